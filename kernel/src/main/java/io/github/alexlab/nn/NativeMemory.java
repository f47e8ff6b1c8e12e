package io.github.alexlab.nn;

import org.bytedeco.javacpp.Pointer;

/**
 * The memory that holds ND4J's numbers, outside the Java heap.
 * <p>
 * An {@code INDArray} is a small Java object pointing at a block of native memory. That block is
 * freed only when Java's garbage collector finds the small object unreachable, and the collector
 * runs when the Java heap fills up, not when native memory does. A training step makes hundreds of
 * megabytes of short-lived activations and gradients while their Java objects take a few kilobytes,
 * so without help the dead blocks pile up and every new array gets fresh pages from the operating
 * system, which are slow to touch. Collecting between steps keeps the memory small and warm.
 * <p>
 * A collection has a price (it walks the whole Java heap), so {@link #releaseBetweenSteps} collects
 * when it is cheap next to the work since the last one, or when the process has grown a lot. The
 * one-tower AlexNet then collects before every step and LeNet-5 every several steps: the rule
 * AlexNetCpuBenchmark and LeNetCpuBenchmark were fastest with, side by side. (A rule on growth alone
 * misses steps: the blocks a collection frees are given back while the next step runs, so the
 * process can look no larger than before although a whole step's garbage is waiting.)
 */
public final class NativeMemory {
    /** Collect when the last collection took at most this share of the time since it ended. */
    static final double MOST_TIME_SHARE = 0.02;
    /** ...or when the process has grown by this much since the last collection, whatever it costs. */
    static final long MOST_GROWTH_BYTES = 512L << 20;

    private static long residentAtLastRelease = Long.MAX_VALUE;
    private static long lastReleaseEnd = System.nanoTime(), lastReleaseNanos;

    private NativeMemory() {}

    /**
     * Frees unreachable arrays when that is cheap (the last collection took at most 2 % of the time
     * since) or the process has grown by 512 MiB since the last time; call it before every training
     * step. Returns true when it collected.
     */
    public static synchronized boolean releaseBetweenSteps() {
        long start = System.nanoTime(), resident = residentBytes();
        residentAtLastRelease = Math.min(residentAtLastRelease, resident); // memory given back since counts too
        boolean cheap = lastReleaseNanos <= MOST_TIME_SHARE * (start - lastReleaseEnd);
        boolean grown = resident - residentAtLastRelease >= MOST_GROWTH_BYTES;
        if (!cheap && !grown)
            return false;
        releaseUnreachable();
        lastReleaseEnd = System.nanoTime();
        lastReleaseNanos = lastReleaseEnd - start;
        residentAtLastRelease = resident;
        return true;
    }

    /** How long the last collection of {@link #releaseBetweenSteps} took, in nanoseconds. */
    static synchronized long lastReleaseNanos() {
        return lastReleaseNanos;
    }

    /** Frees the native memory of every array no longer reachable; call between training steps. */
    public static void releaseUnreachable() {
        System.gc();
    }

    /** Memory this process holds in RAM now (its resident set): the Java heap, ND4J's arrays, the libraries. */
    public static long residentBytes() {
        return Pointer.physicalBytes();
    }
}
