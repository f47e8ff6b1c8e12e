package io.github.alexlab.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;

/**
 * A CUDA call that did not succeed: names the call, NVIDIA's name for the error and its explanation,
 * e.g. {@code cudaMalloc(1073741824 bytes): cudaErrorMemoryAllocation (out of memory)}. Runtime calls
 * (cuda...) and driver calls (cu..., which load and launch our own kernels) number their errors apart:
 * {@link #check} is for the first, {@link #checkDriver} for the second.
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

    /** Throws a {@link CudaException} unless a CUDA driver call returned CUDA_SUCCESS. */
    public static void checkDriver(int result, String call) {
        if (result != cudart.CUDA_SUCCESS)
            throw new CudaException(call, result, describeDriver(result));
    }

    /** "CUDA_ERROR_NOT_FOUND (named symbol not found)" for a driver call's result (a CUresult). */
    public static String describeDriver(int result) {
        BytePointer name = new BytePointer(), text = new BytePointer(); // the driver points them at its own strings
        if (cudart.cuGetErrorName(result, name) != cudart.CUDA_SUCCESS || name.isNull())
            return "CUresult " + result;
        return name.getString() + (cudart.cuGetErrorString(result, text) == cudart.CUDA_SUCCESS && !text.isNull()
                ? " (" + text.getString() + ")" : "");
    }
}
