package io.github.alexlab.kernel.eval;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs cells in this JVM, like JShell's own local engine, and keeps the live value of the last
 * expression so the kernel can render it (a chart, an image, a table) instead of its toString.
 * <p>
 * Why {@link LocalExecutionControl} and not {@code DirectExecutionControl}: it runs each snippet on a
 * thread of its own that {@code JShell.stop()} can end. On JDK 17 it stops that thread; on JDK 20+
 * it weaves stop checks into loops and interrupts the thread. Both make {@code while (true) {}}
 * interruptible. We hand it a small trampoline method so that its thread and stop logic stay in
 * charge while we catch the returned value.
 */
public final class LiveResultExecutionControl extends LocalExecutionControl {
    private static final Method TRAMPOLINE;

    static {
        try {
            TRAMPOLINE = LiveResultExecutionControl.class.getDeclaredMethod("runPendingSnippet");
            TRAMPOLINE.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // One cell runs at a time, so the trampoline's hand-over can be static.
    private static volatile Method pendingSnippet;
    private static volatile Object lastValue;
    private static volatile boolean stopPending; // an interrupt that came while the cell was compiling
    private static volatile ThreadGroup snippetThreads; // where cells run, and the threads they start

    /** The value the last executed snippet returned (a boxed primitive for primitive expressions). */
    public Object lastValue() {
        return lastValue;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        pendingSnippet = doitMethod;
        lastValue = null;
        try {
            return super.invoke(TRAMPOLINE);
        } finally {
            pendingSnippet = null;
        }
    }

    @SuppressWarnings("unused") // called reflectively through TRAMPOLINE on the snippet thread
    private static Object runPendingSnippet() throws Throwable {
        snippetThreads = Thread.currentThread().getThreadGroup();
        if (stopPending) // JShell.stop() does nothing while no user code runs: honour it here
            throw new ThreadDeath();
        try {
            Object value = pendingSnippet.invoke(null);
            lastValue = value;
            return value;
        } catch (InvocationTargetException e) {
            throw e.getCause(); // so the engine sees the user's exception (or ThreadDeath) as its own
        }
    }

    /** The cell is to stop: before its code starts, or (with JShell's own stop) while it runs. */
    public void requestStop() {
        stopPending = true;
    }

    /** A new cell begins. */
    public void clearStop() {
        stopPending = false;
    }

    /**
     * After {@code JShell.stop()}: threads a cell started may outlive it on JDK 17, where JShell only
     * stops its own snippet thread. They are stopped here too. (JDK 20+ has no Thread.stop, but
     * there JShell's stop checks, woven into cell code, end such threads itself.)
     */
    @SuppressWarnings({"deprecation", "removal"})
    public void stopThreadsStartedByCells() {
        ThreadGroup group = snippetThreads;
        if (group == null)
            return;
        Thread[] threads = new Thread[group.activeCount() + 8];
        int n = group.enumerate(threads);
        for (int i = 0; i < n; i++) {
            try {
                threads[i].stop();
            } catch (UnsupportedOperationException noThreadStopOnThisJdk) {
                return;
            }
        }
    }

    /** Snippet classes pass through {@link ExitGuard} so that System.exit cannot end the kernel. */
    @Override
    public void load(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(Stream.of(classes)
                .map(c -> new ClassBytecodes(c.name(), ExitGuard.rewrite(c.bytecodes())))
                .toArray(ClassBytecodes[]::new));
    }

    /** The provider JShell asks for an engine; it hands out one instance we keep a hold of. */
    public static final class Provider implements ExecutionControlProvider {
        private final LiveResultExecutionControl control = new LiveResultExecutionControl();

        public LiveResultExecutionControl control() {
            return control;
        }

        @Override
        public String name() {
            return "alexlab-live";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
