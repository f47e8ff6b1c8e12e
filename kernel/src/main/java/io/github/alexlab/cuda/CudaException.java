package io.github.alexlab.cuda;

import org.bytedeco.cuda.global.cudart;

/**
 * A CUDA call that did not succeed: names the call, NVIDIA's name for the error and its explanation,
 * e.g. {@code cudaMalloc(1073741824 bytes): cudaErrorMemoryAllocation (out of memory)}.
 */
public class CudaException extends RuntimeException {
    private final String call;
    private final int status;

    public CudaException(String call, int status, String message) {
        super(call + ": " + message);
        this.call = call;
        this.status = status;
    }

    /** The call that failed, with its arguments where they help, e.g. "cudaMalloc(1024 bytes)". */
    public String call() {
        return call;
    }

    /** The status code the call returned. */
    public int status() {
        return status;
    }

    /** Throws a {@link CudaException} unless a CUDA runtime call returned cudaSuccess. */
    public static void check(int status, String call) {
        if (status != cudart.cudaSuccess)
            throw new CudaException(call, status, describe(status));
    }

    /** "cudaErrorMemoryAllocation (out of memory)" for a CUDA runtime status. */
    public static String describe(int status) {
        return cudart.cudaGetErrorName(status).getString() + " (" + cudart.cudaGetErrorString(status).getString() + ")";
    }
}
