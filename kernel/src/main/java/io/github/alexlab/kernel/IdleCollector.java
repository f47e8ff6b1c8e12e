package io.github.alexlab.kernel;

import io.github.alexlab.kernel.eval.Nd4jOnFirstUse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * Collects the garbage once the kernel has been idle for a moment after a cell.
 * <p>
 * A tensor's numbers live outside the Java heap and are freed only when the small Java object that
 * holds them is collected; between cells such objects can wait a long time for a collection, and
 * their memory with them. A full collection also lets the heap shrink back (the JVM flags in
 * {@link KernelSpec} say by how much). Then the C library is asked to give back the native memory
 * it keeps after it was freed: ND4J's training leaves hundreds of MiB so. It is all skipped while
 * a cell runs: a cell never waits for it.
 */
final class IdleCollector {
    /** Long enough that a notebook's Run All, cell after cell, is not slowed by collections. */
    private static final long IDLE_MILLIS = 1000;
    /** Time for ND4J's deallocators to free what a collection found dead, before memory is given back. */
    private static final long DEALLOCATORS_MILLIS = 200;

    private final BooleanSupplier cellRunning;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alexlab-idle-collector");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> planned;

    IdleCollector(BooleanSupplier cellRunning) {
        this.cellRunning = cellRunning;
    }

    /** Plans a collection for when the kernel has been idle a moment; a later call postpones it. */
    synchronized void collectWhenIdle() {
        if (planned != null)
            planned.cancel(false);
        planned = timer.schedule(this::collectUnlessBusy, IDLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void collectUnlessBusy() {
        if (cellRunning.getAsBoolean())
            return;
        System.gc();
        // Before ND4J has started there is none of its memory to give back, and loading JavaCPP here
        // could meet ND4J starting for a cell (see Nd4jOnFirstUse).
        if (!Nd4jOnFirstUse.started())
            return;
        try {
            // ND4J's deallocator threads free the tensors the collection found dead, a moment later:
            // give back what they freed, not what they are about to free.
            Thread.sleep(DEALLOCATORS_MILLIS);
            if (!cellRunning.getAsBoolean())
                Pointer.trimMemory(); // glibc's malloc_trim; does nothing elsewhere
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (LinkageError nativeCodeNotLoaded) {
            // ND4J's native libraries did not load: none of their memory to give back
        }
    }
}
