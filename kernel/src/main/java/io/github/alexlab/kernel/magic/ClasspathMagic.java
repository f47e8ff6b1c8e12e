package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code %classpath PATH...} (alias {@code %jars}): adds jars or class folders; globs like {@code lib/*.jar} work.
 * Without arguments it lists what cells compile against: file names sorted, grouped by folder.
 */
final class ClasspathMagic implements LineMagic {
    /** Characters per line of the listing: what a notebook output shows without scrolling. */
    private static final int LINE_WIDTH = 100;
    /** What %classpath added in this session, listed after what the kernel started with. */
    private final List<Path> added = new ArrayList<>();

    @Override
    public List<String> names() {
        return List.of("classpath", "jars");
    }

    @Override
    public String summary() {
        return "add jars or class folders to the classpath (globs allowed: lib/*.jar)";
    }

    @Override
    public Outcome line(String args, MagicContext context) throws CellError {
        if (args.isBlank()) {
            List<Path> entries = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator))
                if (!entry.isBlank())
                    entries.add(Path.of(entry).toAbsolutePath().normalize());
            entries.addAll(this.added);
            System.out.print(listing(entries));
            return Outcome.NOTHING;
        }
        List<Path> added = new ArrayList<>();
        for (String pattern : args.strip().split("\\s+")) {
            List<Path> found = expand(pattern);
            if (found.isEmpty())
                throw context.usageError("classpath", "nothing matches '" + pattern + "' (relative paths start at "
                        + Path.of("").toAbsolutePath() + ")");
            added.addAll(found);
        }
        for (Path p : added)
            context.evaluator().addToClasspath(p.toString());
        this.added.addAll(added);
        System.out.println("Added to the classpath: " + String.join(", ", added.stream().map(Path::toString).toList()));
        return Outcome.NOTHING;
    }

    /**
     * The entries grouped by folder, each folder said once, its file names sorted and wrapped:
     * <pre>
     * 57 entries on the classpath.
     * /opt/alexlab/lib (55):
     *   alexlab-kernel-1.0.jar, commons-io-2.15.jar, ...
     * </pre>
     */
    static String listing(List<Path> entries) {
        Map<Path, List<String>> byFolder = new TreeMap<>();
        for (Path entry : entries) {
            Path folder = entry.getParent() == null ? entry : entry.getParent();
            byFolder.computeIfAbsent(folder, f -> new ArrayList<>()).add(String.valueOf(entry.getFileName()));
        }
        StringBuilder out = new StringBuilder(entries.size() + (entries.size() == 1 ? " entry" : " entries")
                + " on the classpath.\n");
        byFolder.forEach((folder, names) -> {
            names.sort(String.CASE_INSENSITIVE_ORDER);
            out.append(folder).append(" (").append(names.size()).append("):\n");
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i) + (i < names.size() - 1 ? "," : "");
                if (line.length() > 2 && line.length() + 1 + name.length() > LINE_WIDTH) {
                    out.append(line).append('\n');
                    line = new StringBuilder("  ");
                }
                line.append(line.length() > 2 ? " " : "").append(name);
            }
            out.append(line).append('\n');
        });
        return out.toString();
    }

    static List<Path> expand(String pattern) throws CellError {
        String expanded = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
        if (!expanded.matches(".*[*?\\[{].*")) {
            Path p = Path.of(expanded).toAbsolutePath().normalize();
            return Files.exists(p) ? List.of(p) : List.of();
        }
        Path absolute = Path.of(expanded).toAbsolutePath().normalize();
        Path base = absolute.getRoot();
        for (Path part : absolute) { // the longest leading part without glob characters
            if (part.toString().matches(".*[*?\\[{].*"))
                break;
            base = base.resolve(part);
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
        try (Stream<Path> walk = Files.walk(base, 8)) {
            return walk.filter(matcher::matches).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
