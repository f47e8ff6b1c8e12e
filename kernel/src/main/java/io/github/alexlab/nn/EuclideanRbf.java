package io.github.alexlab.nn;

import io.github.alexlab.tensor.CudaKernel;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * LeNet-5's output layer (LeCun et al. 1998, section II.B): one Euclidean radial basis function
 * unit per class, y_i = sum_j (x_j - w_ij)^2, the squared distance between the 84 outputs of F6
 * and a fixed code for class i. The codes are not trained: in 1998 they were 7x12 bitmaps of the
 * characters, drawn with +1 and -1. Our classes are clothing, so each code is a seeded random +-1
 * pattern, and this layer has no trainable parameters.
 * <p>
 * The paper's rule is: the nearest code wins. We output the NEGATIVE squared distance, so that the
 * largest output wins and the scores can go straight into {@link CrossEntropyLoss} (the 1998
 * training criterion was a related maximum-a-posteriori rule on these distances).
 */
public final class EuclideanRbf implements Layer {
    private final String name;
    private final INDArray codes; // [classes, features], entries +-1, fixed
    private INDArray input;
    private GpuArray gpuInput, codesOnGpu;
    private final Map<String, CudaKernel> kernels = new HashMap<>();
    private final GpuBuffer gpuCodes, gpuOutput, gpuGradInput;

    public EuclideanRbf(String name, int features, int classes, long seed) {
        this.name = name;
        this.codes = Nd4j.rand(Init.random(seed), classes, features).gt(0.5)
                .castTo(DataType.FLOAT).muli(2).subi(1);
        this.gpuCodes = new GpuBuffer(name + " codes");
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
    }

    @Override
    public String name() {
        return name;
    }

    /** The fixed class codes, [classes, features]. */
    public INDArray codes() {
        return codes;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        ShapeException.require(name, "vectors of " + codes.columns() + " features", inputShape, -1, codes.columns());
        return new long[]{inputShape[0], codes.rows()};
    }

    @Override
    public long multiplyAdds(long[] inputShape) {
        return inputShape[0] * codes.length(); // one (x - w)^2 per code entry
    }

    // ---- CPU path -----------------------------------------------------------------------------

    /** -||x - w_i||^2 = -(|x|^2 - 2 x.w_i + |w_i|^2), computed with one matrix product. */
    @Override
    public INDArray forward(INDArray x) {
        outputShape(x.shape());
        input = x;
        INDArray w = codes.castTo(x.dataType());
        INDArray xx = x.mul(x).sum(true, 1);                 // [N, 1]
        INDArray ww = w.mul(w).sum(true, 1).transpose();     // [1, classes]
        return x.mmul(w.transpose()).muli(2).subiColumnVector(xx).subiRowVector(ww);
    }

    /** d(-||x - w_i||^2)/dx = -2 (x - w_i): dx = -2 (x * sum_i g_i - g . w). */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (gradOutput.rank() != 2 || gradOutput.rows() != input.rows() || gradOutput.columns() != codes.rows())
            throw new ShapeException(name + " backward", "[" + input.rows() + ", " + codes.rows() + "]", gradOutput.shape());
        INDArray w = codes.castTo(input.dataType());
        INDArray gSum = gradOutput.sum(true, 1);             // [N, 1]
        return input.mulColumnVector(gSum).subi(gradOutput.mmul(w)).muli(-2);
    }

    // ---- GPU path: two small kernels of our own, the formulas written out ----------------------
    // One thread per output: with 10 classes and 84 features the plain sums are as fast as anything.

    static final String KERNELS = """
            // y[n, i] = -sum_j (x[n, j] - w[i, j])^2, one thread per (n, i)
            extern "C" __global__ void rbf_forward(const float* x, const float* w, float* y, int n, int features, int classes) {
                int t = blockIdx.x * blockDim.x + threadIdx.x;
                if (t >= n * classes) return;
                int row = t / classes, i = t % classes;
                float sum = 0.0f;
                for (int j = 0; j < features; j++) {
                    float d = x[row * features + j] - w[i * features + j];
                    sum += d * d;
                }
                y[t] = -sum;
            }

            // dx[n, j] = -2 sum_i g[n, i] (x[n, j] - w[i, j]), one thread per (n, j)
            extern "C" __global__ void rbf_backward(const float* x, const float* w, const float* g, float* dx, int n, int features, int classes) {
                int t = blockIdx.x * blockDim.x + threadIdx.x;
                if (t >= n * features) return;
                int row = t / features, j = t % features;
                float sum = 0.0f;
                for (int i = 0; i < classes; i++)
                    sum += g[row * classes + i] * (x[t] - w[i * features + j]);
                dx[t] = -2.0f * sum;
            }
            """;

    @Override
    public GpuArray forward(GpuArray x) {
        GpuBlocks.requireUsable(name, x, List.of());
        long[] out = outputShape(x.shape());
        gpuInput = x;
        GpuArray codesHere = gpuCodes.get(x.device(), x.dataType(), codes.shape());
        if (codesHere != codesOnGpu) // new memory (first use, or another GPU): the fixed codes go up once
            codesOnGpu = codesHere.copyFrom(codes);
        GpuArray y = gpuOutput.get(x.device(), x.dataType(), out);
        kernel(x, "rbf_forward").launch(CudaKernel.blocksFor(y.length(), 128), 128,
                x, codesOnGpu, y, (int) out[0], (int) codes.columns(), (int) codes.rows());
        return y;
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (gpuInput == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, outputShape(gpuInput.shape()), gradOutput);
        GpuArray dx = gpuGradInput.like(gpuInput);
        kernel(dx, "rbf_backward").launch(CudaKernel.blocksFor(dx.length(), 128), 128,
                gpuInput, codesOnGpu, gradOutput, dx, (int) gpuInput.shape()[0], (int) codes.columns(), (int) codes.rows());
        return dx;
    }

    /** The kernel for this GPU (NVRTC compiles the source once per GPU and process; this keeps the handles). */
    private CudaKernel kernel(GpuArray on, String function) {
        return kernels.computeIfAbsent(on.device() + " " + function, k -> CudaKernel.compile(on.device(), KERNELS, function));
    }

    @Override
    public void forgetActivations() {
        input = null;
    }

    @Override
    public void freeGpuBuffers() {
        gpuCodes.free();
        gpuOutput.free();
        gpuGradInput.free();
        gpuInput = codesOnGpu = null;
    }

    @Override
    public String toString() {
        return "EuclideanRbf(" + name + ": " + codes.columns() + "->" + codes.rows() + ", fixed codes " + Arrays.toString(codes.shape()) + ")";
    }
}
