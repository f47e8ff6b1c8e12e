package io.github.alexlab.tensor;

import io.github.alexlab.cuda.CudaException;
import org.bytedeco.cuda.global.cudart;

import java.util.Locale;

/**
 * The GPU has not enough free memory for an array: says how much was asked for, for what, and how much
 * is free of the total, and where to look. Nothing is allocated, the GPU and the kernel stay usable.
 */
public final class GpuOutOfMemoryError extends CudaException {
    private final long requestedBytes, freeBytes, totalBytes;

    GpuOutOfMemoryError(Device device, long requestedBytes, String what, long[] freeAndTotal) {
        super("cudaMalloc(" + requestedBytes + " bytes for " + what + ")", cudart.cudaErrorMemoryAllocation,
                String.format(Locale.ROOT, "out of memory on %s: asked for %s, %s free of %s. "
                                + "Free arrays you no longer need with close(); %%memory lists what is held.",
                        device, gib(requestedBytes), gib(freeAndTotal[0]), gib(freeAndTotal[1])));
        this.requestedBytes = requestedBytes;
        this.freeBytes = freeAndTotal[0];
        this.totalBytes = freeAndTotal[1];
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }

    public long totalBytes() {
        return totalBytes;
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
