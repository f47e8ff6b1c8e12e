package io.github.alexlab.tensor;

import io.github.alexlab.cuda.Cublas;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;

/**
 * The BLAS calls of the GPU path, on FP32 GpuArrays through cuBLAS: the matrix product of
 * {@code Linear} and the vector updates of SGD. The arrays are row-major; see {@link Gemm} for how a
 * column-major library computes a row-major product.
 */
public final class Blas {
    private Blas() {
    }

    /**
     * C = alpha op(A) op(B) + beta C, where op transposes when asked: A [m, k] (or [k, m] transposed),
     * B [k, n] (or [n, k] transposed), C [m, n]. beta = 1 adds to C, which is how gradients accumulate.
     */
    public static void gemm(GpuArray a, boolean transposeA, GpuArray b, boolean transposeB, GpuArray c, double alpha, double beta) {
        requireFloat("gemm", a, b, c);
        long[] sa = a.shape(), sb = b.shape(), sc = c.shape();
        if (sa.length != 2 || sb.length != 2 || sc.length != 2)
            throw new IllegalArgumentException("gemm takes matrices; got " + Arrays.toString(sa) + ", " + Arrays.toString(sb) + ", " + Arrays.toString(sc));
        long m = transposeA ? sa[1] : sa[0], k = transposeA ? sa[0] : sa[1];
        long kb = transposeB ? sb[1] : sb[0], n = transposeB ? sb[0] : sb[1];
        if (k != kb || sc[0] != m || sc[1] != n)
            throw new IllegalArgumentException("gemm: op(A) " + m + "x" + k + " times op(B) " + kb + "x" + n + " into C " + Arrays.toString(sc) + " does not fit");
        // Row-major C [m, n] is column-major C^T [n, m] = op(B)^T op(A)^T: B first. A stored matrix's leading
        // dimension (column-major) is its row-major width.
        try (FloatPointer al = new FloatPointer((float) alpha); FloatPointer be = new FloatPointer((float) beta)) {
            Cublas.check(cublas.cublasSgemm_v2(Cublas.handle(c.device().index()),
                            transposeB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, transposeA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                            (int) n, (int) m, (int) k, al, Cublas.floats(b.pointer()), (int) sb[1], Cublas.floats(a.pointer()), (int) sa[1],
                            be, Cublas.floats(c.pointer()), (int) n),
                    "cublasSgemm(m=" + m + ", n=" + n + ", k=" + k + ")");
        }
    }

    /** y = y + alpha x (same length). */
    public static void axpy(double alpha, GpuArray x, GpuArray y) {
        requireFloat("axpy", x, y);
        if (x.length() != y.length())
            throw new IllegalArgumentException("axpy: x has " + x.length() + " numbers, y " + y.length());
        try (FloatPointer al = new FloatPointer((float) alpha)) {
            Cublas.check(cublas.cublasSaxpy_v2(Cublas.handle(y.device().index()), Math.toIntExact(y.length()), al,
                    Cublas.floats(x.pointer()), 1, Cublas.floats(y.pointer()), 1), "cublasSaxpy(" + y.length() + ")");
        }
    }

    /** x = alpha x. */
    public static void scale(double alpha, GpuArray x) {
        requireFloat("scale", x);
        try (FloatPointer al = new FloatPointer((float) alpha)) {
            Cublas.check(cublas.cublasSscal_v2(Cublas.handle(x.device().index()), Math.toIntExact(x.length()), al,
                    Cublas.floats(x.pointer()), 1), "cublasSscal(" + x.length() + ")");
        }
    }

    private static void requireFloat(String call, GpuArray... arrays) {
        for (GpuArray a : arrays) {
            if (a.dataType() != DataType.FLOAT)
                throw new IllegalArgumentException(call + " here is FP32; got " + a);
            if (!a.device().equals(arrays[0].device()))
                throw new IllegalArgumentException(call + ": all arrays must be on one GPU; got " + a.device() + " and " + arrays[0].device());
        }
    }
}
