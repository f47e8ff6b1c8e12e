package io.github.alexlab.kernel.eval;

import jdk.jshell.JShell;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import jdk.jshell.SourceCodeAnalysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warms up the Java compiler while the kernel waits for its first cells.
 * <p>
 * Every cell is compiled by javac inside this JVM. Until the JIT has compiled javac itself, a
 * one-line cell takes 30-40 ms to compile; after a few hundred compilations it takes a third of
 * that. So, once the kernel is up, a private JShell (not the student's: no variables, no output)
 * compiles a handful of typical snippets over and over for a few seconds, and steps aside
 * whenever a real cell runs. On a machine whose processors are all busy (a class's kernels on one
 * server) it stops: there its CPU time would be taken from the others.
 */
public final class CompilerWarmUp {
    private static final Logger LOG = Logger.getLogger(CompilerWarmUp.class.getName());

    /** Typical cells: expressions, declarations, a method, a loop, generics, lambdas, strings. */
    private static final List<String> SNIPPETS = List.of(
            "1 + 1",
            "int count = 3;",
            "double square(double x) { return x * x; }",
            "square(count) + Math.sqrt(2)",
            "var words = new java.util.ArrayList<String>(java.util.List.of(\"conv\", \"relu\", \"pool\"));",
            "words.stream().map(String::toUpperCase).collect(java.util.stream.Collectors.joining(\", \"))",
            "for (int i = 0; i < count; i++) { count += i % 2; }",
            "String label = \"layer \" + count;",
            "record Shape(int channels, int height, int width) { int size() { return channels * height * width; } }",
            "new Shape(3, 224, 224).size()");

    private final BooleanSupplier cellRunning;
    private final int compilations;
    private final Runnable whenDone;

    /**
     * @param cellRunning  true while a student's cell runs: the warm-up waits, the cell goes first
     * @param compilations how many snippets to compile in all
     * @param whenDone     run when the warm-up ends (its JShell leaves garbage to collect)
     */
    public CompilerWarmUp(BooleanSupplier cellRunning, int compilations, Runnable whenDone) {
        this.cellRunning = cellRunning;
        this.compilations = compilations;
        this.whenDone = whenDone;
    }

    /** Starts warming up in a background daemon thread. */
    public Thread start() {
        Thread thread = new Thread(this::run, "alexlab-compiler-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return thread;
    }

    void run() {
        if (machineBusy()) { // JShell's own start is work too
            whenDone.run();
            return;
        }
        try (JShell shell = JShell.builder().executionEngine(new InThisThread(), Map.of()).build()) {
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            for (int i = 0; i < compilations; i++) {
                while (cellRunning.getAsBoolean())
                    Thread.sleep(50);
                if (i % 10 == 0 && machineBusy())
                    break;
                String snippet = SNIPPETS.get(i % SNIPPETS.size());
                shell.eval(snippet);
                // Tab completion runs through the same compiler: warm it up as well.
                analysis.completionSuggestions("Math.ma", 7, new int[1]);
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // Only speed is lost: the kernel works the same without a warm compiler.
            LOG.log(Level.FINE, "compiler warm-up stopped early", e);
        } finally {
            whenDone.run();
        }
    }

    /**
     * Whether this machine's processors are all busy: the load average of the last minute is at least
     * the processors this JVM may use (its CPU quota included). Then the warm-up would take CPU time
     * from other work, such as the other kernels of a class on one server, for a gain of some 20 ms
     * per cell; it stops. Read from /proc/loadavg (where there is none, the machine counts as idle).
     */
    static boolean machineBusy() {
        try {
            double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            return load >= Runtime.getRuntime().availableProcessors();
        } catch (IOException | RuntimeException noLoadAverage) {
            return false;
        }
    }

    /**
     * Runs the warm-up's snippets right in the warm-up thread. JDK 17's "local" engine makes a
     * thread group for every snippet it runs, and each would stay in the JVM for good.
     */
    private static final class InThisThread implements ExecutionControlProvider {
        @Override
        public String name() {
            return "alexlab-warm-up";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return new DirectExecutionControl();
        }
    }
}
