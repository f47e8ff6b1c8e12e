package io.github.alexlab;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers of the code base as a rule that a build checks (kernel/ARCHITECTURE.md, section 1).
 * A package may use only the packages below it in {@link #LAYERS}, and {@code viz} (formatting and
 * pictures) is a leaf: everyone may use it, it uses none of ours. Uses are read from the source:
 * imports, static imports and fully qualified names in code (comments and strings do not count:
 * the kernel's default imports and the class names GpuCheck launches are text, not dependencies).
 * <p>
 * A main source file also stays under {@value #MAX_LINES} lines, so it reads in one sitting, unless
 * it is in {@link #LONG_FILES} with the reason it is long.
 */
class ArchitectureTest {
    /**
     * Top to bottom. lesson (the classroom checks) sits under the kernel, which runs test cells, and
     * above bench, whose timing it uses. bench sits above quant because it measures the quantized models.
     */
    static final List<String> LAYERS = List.of("kernel", "lesson", "bench", "quant", "train", "models", "nn", "data", "tensor", "cuda");
    static final String LEAF = "viz";
    static final int MAX_LINES = 300;

    /** Files allowed to be longer, each with its reason. */
    static final Map<String, String> LONG_FILES = Map.of(
            "kernel/JavaKernel.java", "every Jupyter shell request, from execute to shutdown, answered in one place",
            "kernel/eval/JavaEvaluator.java", "JShell's life cycle, snippets, completion and inspection belong together",
            "viz/Charts.java", "each chart kind is one short builder on one shared SVG canvas",
            "kernel/run/GpuCheck.java", "the steps of the GPU check and its report read as one script",
            "data/FashionMnist.java", "finding, verifying and loading the data set is one story for a student");

    static final Path MAIN = Path.of("src/main/java/io/github/alexlab");
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.github\\.alexlab\\.(\\w+)[\\w.]*;", Pattern.MULTILINE);
    private static final Pattern OUR_NAME = Pattern.compile("\\bio\\.github\\.alexlab\\.(\\w+)\\.");

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() {
        List<String> violations = new ArrayList<>();
        for (Path file : mainSources())
            violations.addAll(violations(MAIN.relativize(file).toString(), read(file)));
        assertEquals(List.of(), violations, "uses against the layer order " + LAYERS + " (" + LEAF + " a leaf)");
    }

    @Test
    void mainSourceFilesReadInOneSitting() {
        List<String> tooLong = new ArrayList<>();
        TreeSet<String> stillLong = new TreeSet<>();
        for (Path file : mainSources()) {
            String name = MAIN.relativize(file).toString();
            long lines = read(file).lines().count();
            if (lines > MAX_LINES && !LONG_FILES.containsKey(name))
                tooLong.add(name + " has " + lines + " lines");
            if (lines > MAX_LINES)
                stillLong.add(name);
        }
        assertEquals(List.of(), tooLong, "split these files or add them to LONG_FILES with a reason");
        assertEquals(new TreeSet<>(LONG_FILES.keySet()), stillLong, "LONG_FILES names files that are no longer long (or no longer exist)");
    }

    // ---- the checker checks: it finds what it must, and ignores comments and strings ----------

    @Test
    void anUpwardImportIsAViolation() {
        String source = "package io.github.alexlab.nn;\nimport io.github.alexlab.train.Trainer;\nclass X {}\n";
        assertEquals(List.of("nn/X.java uses train (an upward or sideways use)"), violations("nn/X.java", source));
    }

    @Test
    void staticImportsAndQualifiedNamesInCodeCount() {
        String source = "package io.github.alexlab.cuda;\nimport static io.github.alexlab.nn.Init.he;\n"
                + "class X { Object o = io.github.alexlab.viz.Png.class; }\n";
        assertEquals(List.of("cuda/X.java uses nn (an upward or sideways use)"), violations("cuda/X.java", source));
    }

    @Test
    void vizUsesNothingOfOurs() {
        String source = "package io.github.alexlab.viz;\nimport io.github.alexlab.cuda.Cuda;\nclass X {}\n";
        assertEquals(List.of("viz/X.java uses cuda (viz is a leaf)"), violations("viz/X.java", source));
    }

    @Test
    void sidewaysUsesBetweenPackagesOfOneRankAreViolationsToo() {
        String source = "package io.github.alexlab.tensor;\nimport io.github.alexlab.data.Batch;\nclass X {}\n";
        assertEquals(List.of("tensor/X.java uses data (an upward or sideways use)"), violations("tensor/X.java", source));
    }

    @Test
    void commentsAndStringsAreNotUses() {
        String source = "package io.github.alexlab.cuda;\n/** See {@link io.github.alexlab.nn.Conv2d}. */\n"
                + "class X { // io.github.alexlab.train.Trainer\n String s = \"import io.github.alexlab.kernel.Notebook;\";\n"
                + " char c = '\"'; String t = \"\"\"\n io.github.alexlab.bench.X\n \"\"\"; }\n";
        assertEquals(List.of(), violations("cuda/X.java", source));
    }

    @Test
    void downwardUsesAndTheLeafAreAllowed() {
        String source = "package io.github.alexlab.train;\nimport io.github.alexlab.nn.Layer;\nimport io.github.alexlab.cuda.Cuda;\n"
                + "import io.github.alexlab.viz.Charts;\nimport io.github.alexlab.train.History;\nclass X {}\n";
        assertEquals(List.of(), violations("train/X.java", source));
    }

    // ---- the checker ---------------------------------------------------------------------------

    /** Each package this file uses against the order, once, as "FILE uses PACKAGE (why)". */
    static List<String> violations(String name, String source) {
        Matcher own = PACKAGE.matcher(source);
        assertTrue(own.find(), name + ": no package io.github.alexlab.* line");
        String from = own.group(1);
        TreeSet<String> used = new TreeSet<>();
        Matcher m = OUR_NAME.matcher(codeOnly(source));
        while (m.find())
            used.add(m.group(1));
        List<String> violations = new ArrayList<>();
        for (String to : used) {
            if (to.equals(from))
                continue;
            if (from.equals(LEAF))
                violations.add(name + " uses " + to + " (viz is a leaf)");
            else if (!to.equals(LEAF) && !(rank(to) > rank(from)))
                violations.add(name + " uses " + to + " (an upward or sideways use)");
        }
        return violations;
    }

    /** Position in {@link #LAYERS}; data and tensor share a rank, so neither may use the other. */
    private static int rank(String layer) {
        int i = LAYERS.indexOf(layer);
        assertTrue(i >= 0, "package " + layer + " is not in the layer order: add it to LAYERS");
        return layer.equals("tensor") ? LAYERS.indexOf("data") : i;
    }

    /** The source with comments, string literals, text blocks and character literals blanked out. */
    static String codeOnly(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0, n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i))
                i = until(source, i, "\n");
            else if (source.startsWith("/*", i))
                i = until(source, i + 2, "*/");
            else if (source.startsWith("\"\"\"", i))
                i = untilUnescaped(source, i + 3, "\"\"\"");
            else if (c == '"' || c == '\'')
                i = untilUnescaped(source, i + 1, String.valueOf(c));
            else {
                code.append(c);
                i++;
                continue;
            }
            code.append(' '); // what was skipped still separates the tokens around it
        }
        return code.toString();
    }

    private static int until(String s, int from, String end) {
        int at = s.indexOf(end, from);
        return at < 0 ? s.length() : at + end.length();
    }

    private static int untilUnescaped(String s, int from, String end) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\')
                i++;
            else if (s.startsWith(end, i))
                return i + end.length();
        }
        return s.length();
    }

    private static List<Path> mainSources() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
