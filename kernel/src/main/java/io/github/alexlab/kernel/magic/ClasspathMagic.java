package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code %classpath PATH...} (alias {@code %jars}): adds jars or class folders; globs like {@code lib/*.jar} work. */
final class ClasspathMagic implements LineMagic {
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
            System.out.println(String.join("\n", System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
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
        System.out.println("Added to the classpath: " + String.join(", ", added.stream().map(Path::toString).toList()));
        return Outcome.NOTHING;
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
