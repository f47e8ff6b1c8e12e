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
 * system, which are slow to touch. Asking for a collection once per step keeps the memory small
 * and warm, and the one-tower AlexNet's training step markedly faster (AlexNetCpuBenchmark measures it).
 */
public final class NativeMemory {
    private static long residentAtLastRelease = Long.MAX_VALUE;

    private NativeMemory() {}

    /**
     * Frees unreachable arrays when the process has grown by more than {@code growthBytes} since the
     * last time; cheap enough to call every training step. A small model (LeNet-5) then collects
     * every hundred steps or so, a large one (AlexNet) every step. Returns true when it collected.
     */
    public static synchronized boolean releaseWhenGrownBy(long growthBytes) {
        long now = residentBytes();
        residentAtLastRelease = Math.min(residentAtLastRelease, now); // memory given back since counts too
        if (now - residentAtLastRelease < growthBytes)
            return false;
        releaseUnreachable();
        residentAtLastRelease = now;
        return true;
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
