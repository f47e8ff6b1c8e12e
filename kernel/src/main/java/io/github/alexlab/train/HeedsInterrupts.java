package io.github.alexlab.train;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks code that checks {@code Thread.interrupted()} at safe points and then ends cleanly, such as
 * Trainer.fit between two optimizer steps. Kernel &gt; Interrupt waits for such code to end by itself
 * for up to {@link #LIMIT} (one step may take longer than the usual grace period on a busy machine)
 * instead of stopping it by force, which could cut a step in half and lose fit's result. It lives
 * here, beside the code it marks, and the kernel asks it (the kernel may import train, not the reverse).
 * <pre>
 *     try (var heeding = HeedsInterrupts.begin()) {
 *         ... check Thread.interrupted() between steps ...
 *     }
 * </pre>
 */
public final class HeedsInterrupts implements AutoCloseable {
    /** The longest an interrupt waits for marked code; past it the cell is stopped by force after all. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private static final Set<Thread> HEEDING = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final boolean outermost;

    private HeedsInterrupts() {
        thread = Thread.currentThread();
        outermost = HEEDING.add(thread);
    }

    /** From now until close(), the current thread heeds interrupts. */
    public static HeedsInterrupts begin() {
        return new HeedsInterrupts();
    }

    /** Whether {@code thread} runs code that heeds interrupts just now. */
    public static boolean isHeeding(Thread thread) {
        return HEEDING.contains(thread);
    }

    @Override
    public void close() {
        if (outermost)
            HEEDING.remove(thread);
    }
}
