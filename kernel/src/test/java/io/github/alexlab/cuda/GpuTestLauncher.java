package io.github.alexlab.cuda;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every test of the suite that needs a CUDA device or CUDA's compiler ({@link RequiresCuda},
 * {@link RequiresNvrtc}), run outside Maven: what
 * the GPU check runs on a GPU host that has no Maven. One line per test ("ok", "FAIL" with the
 * message, "skipped" with the reason); the last line is "gpu tests: N passed, N failed, N skipped".
 * Exit status 0 only when none failed.
 */
public final class GpuTestLauncher {
    private GpuTestLauncher() {}

    /** The annotations that mark a GPU test. */
    private static final List<Class<? extends Annotation>> MARKS = List.of(RequiresCuda.class, RequiresNvrtc.class);

    /** Whether a class file names one of the marks (as a descriptor in its constant pool). */
    private static boolean mentionsAMark(Path classFile) throws IOException {
        String bytes = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
        return MARKS.stream().anyMatch(mark -> bytes.contains("L" + mark.getName().replace('.', '/') + ";"));
    }

    private static boolean marked(AnnotatedElement element) {
        return MARKS.stream().anyMatch(element::isAnnotationPresent);
    }

    public static void main(String[] args) throws Exception {
        Path classes = Path.of(GpuTestLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<DiscoverySelector> selectors = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith("Test.class")).sorted().toList()) {
                // Only classes that mention a mark are loaded: the others may need modules that a
                // bundled Java runtime leaves out (a test's local HTTP server, say). A GPU test that
                // cannot load fails here, loudly.
                if (!mentionsAMark(file))
                    continue;
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> test = Class.forName(name, false, GpuTestLauncher.class.getClassLoader());
                if (marked(test)) {
                    selectors.add(DiscoverySelectors.selectClass(test));
                    continue;
                }
                for (Method m : test.getDeclaredMethods())
                    if (marked(m))
                        selectors.add(DiscoverySelectors.selectMethod(test, m));
            }
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
        int[] counts = new int[3]; // passed, failed, skipped
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                if (test.isTest() || test.getSource().isPresent() && test.isContainer()) {
                    counts[2]++;
                    System.out.println("skipped " + name(test) + ": " + reason.replaceFirst("^skipped: ", ""));
                }
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest())
                    return;
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    counts[0]++;
                    System.out.println("ok      " + name(test));
                } else {
                    counts[1]++;
                    Throwable t = result.getThrowable().orElse(null);
                    System.out.println("FAIL    " + name(test) + ": " + (t == null ? result.getStatus() : t));
                    if (t != null)
                        for (StackTraceElement f : t.getStackTrace())
                            if (f.getClassName().startsWith("io.github.alexlab"))
                                System.out.println("          at " + f);
                }
            }
        });
        System.out.printf("gpu tests: %d passed, %d failed, %d skipped%n", counts[0], counts[1], counts[2]);
        System.exit(counts[1] == 0 ? 0 : 1);
    }

    private static String name(TestIdentifier test) {
        return test.getUniqueId().replaceAll("\\[engine:junit-jupiter]/", "").replaceAll("\\[(class|method):([^\\]]*)]", "$2")
                .replace("/", ".").replaceAll("io\\.github\\.alexlab\\.", "");
    }
}
