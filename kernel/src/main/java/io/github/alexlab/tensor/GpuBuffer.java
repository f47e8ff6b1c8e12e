package io.github.alexlab.tensor;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;

/**
 * A GPU array that a block keeps from one step to the next, such as its output or its input
 * gradient: it is allocated on the first step and again only when the shape changes. Training
 * repeats the same shapes thousands of times, and cudaMalloc/cudaFree cost more than many kernels
 * (cudaFree waits for the whole GPU), so each block reuses its memory, and the {@link MemoryLedger}
 * shows it under the block's name ("conv1 output").
 */
public final class GpuBuffer {
    private final String what;
    private GpuArray array;

    /** {@code what} names the buffer in the ledger, e.g. "conv1 output". */
    public GpuBuffer(String what) {
        this.what = what;
    }

    /** The buffer with this device, type and shape: the one from the last call when they match, else a new one. */
    public GpuArray get(Device device, DataType type, long... shape) {
        if (array != null && !array.isClosed() && array.device().equals(device) && array.dataType() == type
                && Arrays.equals(array.shape(), shape))
            return array;
        free();
        array = GpuArray.empty(device, type, what, shape);
        return array;
    }

    /** The same, shaped like {@code like} (same device and type). */
    public GpuArray like(GpuArray like) {
        return get(like.device(), like.dataType(), like.shape());
    }

    /** Frees the memory now (the next {@link #get} allocates again). */
    public void free() {
        if (array != null)
            array.close();
        array = null;
    }
}
