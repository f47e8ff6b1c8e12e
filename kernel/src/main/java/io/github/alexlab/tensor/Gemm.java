package io.github.alexlab.tensor;

import io.github.alexlab.cuda.Cublas;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Matrix multiply on the GPU through cuBLAS, in the precisions of the benchmark and quantization
 * notebooks: C = A B for row-major A [m, k], B [k, n], C [m, n].
 * <p>
 * cuBLAS is column-major, and a row-major matrix read column-major is its transpose. So we ask
 * cuBLAS for C^T = B^T A^T, which is C written row-major: the same call with A and B swapped.
 */
public final class Gemm {
    /** Input type, output type and how the products are summed. */
    public enum Precision {
        /** FP32 in, FP32 out, FP32 arithmetic (the CUDA cores). */
        FP32(DataType.FLOAT, DataType.FLOAT, cudart.CUDA_R_32F, cudart.CUDA_R_32F, cublas.CUBLAS_COMPUTE_32F),
        /** FP32 in and out, multiplied as TF32 (10-bit mantissa) on tensor cores, summed in FP32. */
        TF32(DataType.FLOAT, DataType.FLOAT, cudart.CUDA_R_32F, cudart.CUDA_R_32F, cublas.CUBLAS_COMPUTE_32F_FAST_TF32),
        /** FP16 in, FP32 out, tensor cores with FP32 accumulation. */
        FP16(DataType.HALF, DataType.FLOAT, cudart.CUDA_R_16F, cudart.CUDA_R_32F, cublas.CUBLAS_COMPUTE_32F),
        /** BF16 in, FP32 out, tensor cores with FP32 accumulation. */
        BF16(DataType.BFLOAT16, DataType.FLOAT, cudart.CUDA_R_16BF, cudart.CUDA_R_32F, cublas.CUBLAS_COMPUTE_32F),
        /** INT8 in, INT32 out, integer tensor cores with 32-bit accumulation (sizes multiples of 4). */
        INT8(DataType.BYTE, DataType.INT, cudart.CUDA_R_8I, cudart.CUDA_R_32I, cublas.CUBLAS_COMPUTE_32I);

        public final DataType input, output;
        final int cudaInput, cudaOutput, compute;

        Precision(DataType input, DataType output, int cudaInput, int cudaOutput, int compute) {
            this.input = input;
            this.output = output;
            this.cudaInput = cudaInput;
            this.cudaOutput = cudaOutput;
            this.compute = compute;
        }

        /**
         * The largest relative error expected against an exact product of the same inputs: FP32 sums;
         * TF32 also rounds the inputs to 10 mantissa bits (about 5e-4 each); FP16/BF16 inputs are exact
         * already and sum in FP32; integers sum exactly.
         */
        public double errorBound() {
            return switch (this) {
                case FP32 -> 1e-5;
                case TF32 -> 3e-3;
                case FP16, BF16 -> 1e-4;
                case INT8 -> 0;
            };
        }
    }

    private Gemm() {
    }

    /**
     * A self-check: the relative error (2-norm, in double) of this GPU's product against the CPU's, for
     * random inputs already rounded to the precision's input type, so only the GPU's arithmetic differs.
     */
    public static double relativeErrorAgainstCpu(Precision p, int m, int k, int n, Device gpu, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k).subi(0.5), b = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5);
        if (p == Precision.INT8) { // whole numbers in [-100, 100]
            a.muli(200);
            b.muli(200);
        }
        INDArray ra = a.castTo(p.input), rb = b.castTo(p.input);
        INDArray expected = ra.castTo(DataType.DOUBLE).mmul(rb.castTo(DataType.DOUBLE));
        try (GpuArray ga = GpuArray.of(ra, gpu); GpuArray gb = GpuArray.of(rb, gpu); GpuArray gc = GpuArray.zeros(gpu, p.output, m, n)) {
            multiply(ga, gb, gc, p);
            INDArray got = gc.toHost().castTo(DataType.DOUBLE);
            return got.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
        }
    }

    /** C = A B on the GPU that holds them; checks shapes and types first. */
    public static void multiply(GpuArray a, GpuArray b, GpuArray c, Precision precision) {
        long[] sa = a.shape(), sb = b.shape(), sc = c.shape();
        if (sa.length != 2 || sb.length != 2 || sc.length != 2 || sa[1] != sb[0] || sc[0] != sa[0] || sc[1] != sb[1])
            throw new IllegalArgumentException("Gemm: needs A [m, k], B [k, n], C [m, n]; got A " + Arrays.toString(sa)
                    + ", B " + Arrays.toString(sb) + ", C " + Arrays.toString(sc));
        if (a.dataType() != precision.input || b.dataType() != precision.input || c.dataType() != precision.output)
            throw new IllegalArgumentException("Gemm " + precision + ": A and B must be " + precision.input + " and C "
                    + precision.output + "; got " + a.dataType() + ", " + b.dataType() + ", " + c.dataType());
        if (!a.device().equals(b.device()) || !a.device().equals(c.device()))
            throw new IllegalArgumentException("Gemm: A, B and C must be on one GPU; got " + a.device() + ", " + b.device() + ", " + c.device());
        int m = Math.toIntExact(sa[0]), k = Math.toIntExact(sa[1]), n = Math.toIntExact(sb[1]);
        if (precision == Precision.INT8 && (m % 4 != 0 || n % 4 != 0 || k % 4 != 0))
            throw new IllegalArgumentException("Gemm INT8: cuBLAS needs m, n and k to be multiples of 4; got " + m + ", " + n + ", " + k);
        try (Pointer alpha = precision == Precision.INT8 ? new IntPointer(1).put(1) : new FloatPointer(1).put(1f);
             Pointer beta = precision == Precision.INT8 ? new IntPointer(1).put(0) : new FloatPointer(1).put(0f)) {
            // Column-major C^T [n, m] = B^T [n, k] x A^T [k, m]: B first, leading dimensions n, k, n.
            Cublas.check(cublas.cublasGemmEx(Cublas.handle(a.device().index()), cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N, n, m, k,
                    alpha, b.pointer(), precision.cudaInput, n, a.pointer(), precision.cudaInput, k,
                    beta, c.pointer(), precision.cudaOutput, n, precision.compute, cublas.CUBLAS_GEMM_DEFAULT),
                    "cublasGemmEx(" + precision + ", m=" + m + ", n=" + n + ", k=" + k + ")");
        }
    }
}
