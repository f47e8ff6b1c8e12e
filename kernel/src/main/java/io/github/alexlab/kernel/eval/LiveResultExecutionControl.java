package io.github.alexlab.kernel.eval;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import jdk.jshell.spi.SPIResolutionException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Runs cells in this JVM, like JShell's own local engine, and keeps the live value of the last
 * expression so the kernel can render it (a chart, an image, a table) instead of its toString.
 * <p>
 * Why {@link LocalExecutionControl} and not {@code DirectExecutionControl}: it runs each snippet on a
 * thread of its own that {@code JShell.stop()} can end. On JDK 17 it stops that thread; on JDK 20+
 * it weaves stop checks into loops and interrupts the thread. Both make {@code while (true) {}}
 * interruptible. We hand it a small trampoline method so that its thread and stop logic stay in
 * charge while we catch the returned value.
 * <p>
 * The trampoline runs the cell's code on a thread of ours, the <em>cell thread</em>, in a thread
 * group of ours inside JShell's: JShell's stop still reaches it and the threads it starts, and an
 * exception that ends such a thread is shown instead of swallowed (JShell's group drops it).
 * Everything that calls user code for a cell runs there, the rendering of its value and the
 * message of its exception included, so that Kernel &gt; Interrupt can stop a toString that never
 * returns.
 */
public final class LiveResultExecutionControl extends LocalExecutionControl {
    private static final Method TRAMPOLINE;

    static {
        try {
            TRAMPOLINE = LiveResultExecutionControl.class.getDeclaredMethod("runPendingWork");
            TRAMPOLINE.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // One cell runs at a time, so the trampoline's hand-over can be static.
    private static volatile Callable<?> pendingWork;
    private static volatile Object workResult;
    private static volatile Object lastValue;
    private static volatile UserException userError; // the cell's exception, described on the cell thread
    private static volatile boolean stopPending; // an interrupt that came while the cell was compiling
    private static volatile Thread cellThread; // runs the cell's code now; null between snippets
    private static volatile Function<Throwable, List<String>> threadErrorDescriber;

    /** How the exception that ends a thread started by a cell is shown: its lines, the first one its name. */
    public void describeThreadErrorsWith(Function<Throwable, List<String>> describer) {
        threadErrorDescriber = describer;
    }

    /** The value the last executed snippet returned (a boxed primitive for primitive expressions). */
    public Object lastValue() {
        return lastValue;
    }

    /** A cell's classes, before it runs: ND4J starts first if they use it ({@link Nd4jOnFirstUse}). */
    @Override
    public void load(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        Nd4jOnFirstUse.startIfNamedIn(classes);
        super.load(classes);
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        lastValue = null;
        String shown = runTrampoline(() -> doitMethod.invoke(null));
        lastValue = workResult;
        return shown;
    }

    private String runTrampoline(Callable<?> work) throws Exception {
        pendingWork = work;
        workResult = null;
        userError = null;
        try {
            return super.invoke(TRAMPOLINE);
        } finally {
            pendingWork = null;
        }
    }

    /** A snippet that failed: its exception as the cell thread described it, not as JShell would here. */
    @Override
    public String invoke(String className, String methodName)
            throws RunException, InternalException, EngineTerminationException {
        try {
            return super.invoke(className, methodName);
        } catch (UserException e) {
            throw describedOrAsIs(e);
        }
    }

    private static UserException describedOrAsIs(UserException e) {
        UserException described = userError;
        userError = null;
        return described != null && DescribedOnCellThread.class.getName().equals(e.causeExceptionClass()) ? described : e;
    }

    /**
     * Runs kernel work that calls user code, such as rendering a cell's value, on a cell thread:
     * where Kernel &gt; Interrupt reaches it. Returns its result; its exception is thrown as a
     * {@link UserException}, an interrupt as {@link StoppedException}.
     */
    public Object callOnCellThread(Callable<?> work) throws UserException, StoppedException, InternalException {
        try {
            clientCodeEnter(); // lets JShell's stop act while the work runs
            runTrampoline(work);
            return workResult;
        } catch (InvocationTargetException e) {
            throw describedOrAsIs(new UserException(String.valueOf(e.getCause()), e.getCause().getClass().getName(), null));
        } catch (UserException | StoppedException | InternalException e) {
            throw e;
        } catch (Exception e) {
            throw new InternalException(e.toString());
        } finally {
            clientCodeLeave();
        }
    }

    @SuppressWarnings({"unused", "removal"}) // called reflectively through TRAMPOLINE on JShell's snippet thread
    private static Object runPendingWork() throws Throwable {
        Throwable[] failure = new Throwable[1];
        Callable<?> work = pendingWork;
        Thread worker = new Thread(cellThreadsIn(Thread.currentThread().getThreadGroup()), () -> {
            try {
                workResult = work.call();
            } catch (Throwable t) {
                failure[0] = describe(t instanceof InvocationTargetException ite ? ite.getCause() : t);
            }
        }, "cell");
        cellThread = worker;
        try {
            if (stopPending) // JShell.stop() does nothing while no user code runs: honour it here
                throw new ThreadDeath();
            worker.start();
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException stopOnJdk20Plus) {
                    // JShell's stop interrupts every thread of its group and makes cell code throw
                    // at its next stop check: the cell thread ends soon, and what it threw tells.
                }
            }
        } finally {
            cellThread = null;
        }
        if (failure[0] != null)
            throw failure[0];
        return null; // the value stays in workResult: JShell would call its toString here, unstoppably
    }

    /**
     * A group for the cell threads of this snippet, inside JShell's group, where JShell's stop
     * reaches them. JShell makes a new group for every snippet; on JDK 17 a group stays in its parent until it is
     * destroyed: as daemon groups, both go by themselves once their last thread has ended (and
     * not before a thread made but not yet started there has run, as in
     * {@code var t = new Thread(...);} in one cell and {@code t.start();} in the next).
     */
    @SuppressWarnings("removal") // ThreadGroup.setDaemon: needed on JDK 17; from JDK 19 on, groups go when unused
    private static CellThreads cellThreadsIn(ThreadGroup jshellGroup) {
        jshellGroup.setDaemon(true);
        return new CellThreads(jshellGroup);
    }

    /**
     * What the cell threw, made safe to hand to JShell: an interrupt and an unresolved reference
     * go as they are; any other exception is described here, on the cell thread, because its
     * getMessage is user code that may never return.
     */
    @SuppressWarnings("removal")
    private static Throwable describe(Throwable t) {
        if (t instanceof ThreadDeath || t instanceof SPIResolutionException)
            return t;
        userError = asUserException(t, 0);
        return new DescribedOnCellThread();
    }

    private static UserException asUserException(Throwable t, int depth) {
        UserException e = new UserException(messageOf(t), t.getClass().getName(), t.getStackTrace());
        if (t.getCause() != null && t.getCause() != t && depth < 20)
            e.initCause(asUserException(t.getCause(), depth + 1));
        return e;
    }

    @SuppressWarnings("removal")
    private static String messageOf(Throwable t) {
        try {
            return t.getLocalizedMessage();
        } catch (ThreadDeath stopped) {
            throw stopped;
        } catch (Throwable failed) {
            return "(its getMessage() failed: " + failed.getClass().getName() + ")";
        }
    }

    /** Stands for the exception the cell thread described: JShell passes it on, we swap the description in. */
    private static final class DescribedOnCellThread extends RuntimeException {
        DescribedOnCellThread() {
            super("described on the cell thread", null, false, false);
        }
    }

    /** The cell thread and the threads it starts: an exception that ends one of them is shown. */
    private static final class CellThreads extends ThreadGroup {
        CellThreads(ThreadGroup jshellGroup) {
            super(jshellGroup, "cell threads"); // a daemon group, as its parent is
        }

        @Override
        @SuppressWarnings("removal")
        public void uncaughtException(Thread thread, Throwable e) {
            if (e instanceof ThreadDeath)
                return; // stopped by Kernel > Interrupt
            // Like Java's own default handler, which JShell replaces with one that says nothing.
            Function<Throwable, List<String>> describer = threadErrorDescriber;
            List<String> lines = describer == null ? List.of(e.toString()) : describer.apply(e);
            System.err.println("Exception in thread \"" + thread.getName() + "\" (started by a cell) " + lines.get(0));
            lines.stream().skip(1).forEach(System.err::println);
            System.err.flush();
        }
    }

    /**
     * Kernel &gt; Interrupt, the gentle way: interrupts the cell thread, so that code that checks
     * ({@code Thread.sleep}, {@code input}, the Trainer between steps) can end by itself.
     * Returns that thread, or null when no cell code runs just now.
     */
    public Thread interruptCellThread() {
        stopPending = true;
        Thread cell = cellThread;
        if (cell != null)
            cell.interrupt();
        return cell;
    }

    /** A new cell begins. */
    public void clearStop() {
        stopPending = false;
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
