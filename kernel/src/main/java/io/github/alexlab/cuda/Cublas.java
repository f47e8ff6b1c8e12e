package io.github.alexlab.cuda;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.HashMap;
import java.util.Map;

/** cuBLAS handles, one per GPU (made on first use, kept for the life of the process), and its status checks. */
public final class Cublas {
    private static final Map<Integer, cublasContext> HANDLES = new HashMap<>();

    private Cublas() {
    }

    /** The cuBLAS handle of GPU {@code device} (also makes it the current device). */
    public static synchronized cublasContext handle(int device) {
        CudaException.check(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        return HANDLES.computeIfAbsent(device, d -> {
            cublasContext handle = new cublasContext();
            check(cublas.cublasCreate_v2(handle), "cublasCreate (GPU " + d + ")");
            return handle;
        });
    }

    /** A device pointer seen as a float pointer (same address), for the typed FP32 calls such as cublasSgemm. */
    public static FloatPointer floats(Pointer devicePointer) {
        return new FloatPointer(devicePointer);
    }

    /** Throws a {@link CudaException} naming the call unless cuBLAS returned CUBLAS_STATUS_SUCCESS. */
    public static void check(int status, String call) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS)
            throw new CudaException(call, status, cublas.cublasGetStatusString(status).getString());
    }
}
