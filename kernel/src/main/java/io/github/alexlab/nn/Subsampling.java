package io.github.alexlab.nn;

import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;

/**
 * LeNet-5's trainable subsampling (LeCun et al. 1998, layers S2 and S4): each output adds up a 2 x 2 block
 * of its channel, multiplies by that channel's trainable coefficient and adds its trainable bias.
 * <pre>
 *   y[n, c, i, j] = coefficient[c] * (x[n, c, 2i, 2j] + x[n, c, 2i, 2j+1] + x[n, c, 2i+1, 2j] + x[n, c, 2i+1, 2j+1]) + bias[c]
 * </pre>
 * Shapes: [N, C, H, W] -> [N, C, floor(H / 2), floor(W / 2)] (an odd last row or column is left out).
 * Two parameters per channel: S2 (6 channels) has 12, S4 (16 channels) 32. In the paper a sigmoid follows.
 */
public final class Subsampling implements Layer {
    private final String name;
    private final int channels;
    private final Parameter coefficient, bias;
    private INDArray input;
    private INDArray blockSums; // s[n, c, i, j]: the sums, which dL/dCoefficient needs
    private GpuArray gpuInput;
    private final GpuBuffer gpuBlockSums, gpuOutput, gpuWork, gpuGradInput;

    public Subsampling(String name, int channels) {
        if (name == null || name.isBlank())
            throw new IllegalArgumentException("Subsampling needs a name, e.g. \"S2\"");
        if (channels < 1)
            throw new IllegalArgumentException(name + ": channels must be at least 1, got " + channels);
        this.name = name;
        this.channels = channels;
        this.coefficient = new Parameter("coefficient", Nd4j.create(DataType.FLOAT, channels));
        this.bias = new Parameter("bias", Nd4j.create(DataType.FLOAT, channels));
        this.gpuBlockSums = new GpuBuffer(name + " block sums");
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuWork = new GpuBuffer(name + " backward work");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
        initialize(Init.lecunUniform(), Init.constant(0), name.hashCode());
    }

    /**
     * Refills coefficient and bias and clears their gradients, as {@link Conv2d#initialize} and {@link Linear#initialize} do;
     * fanIn = 4 (the block), fanOut = 4 (each input feeds one output with 4 inputs).
     */
    public Subsampling initialize(Init coefficients, Init biases, long seed) {
        var rng = Init.random(seed);
        coefficients.fill(coefficient.value(), 4, 4, rng);
        biases.fill(bias.value(), 4, 4, rng);
        zeroGradients();
        return this;
    }

    public Parameter coefficient() { return coefficient; }
    public Parameter bias() { return bias; }
    public int channels() { return channels; }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(coefficient, bias);
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        ShapeException.require(name, "images with " + channels + " channels", inputShape, -1, channels, -1, -1);
        if (inputShape[2] < 2 || inputShape[3] < 2)
            throw new ShapeException(name, "[N, " + channels + ", h, w] with h, w >= 2 (one 2x2 block at least)", inputShape);
        return new long[]{inputShape[0], channels, inputShape[2] / 2, inputShape[3] / 2};
    }

    /** One multiply-add per output (coefficient * block sum + bias); the 3 additions of each 2x2 sum are not counted. */
    @Override
    public long multiplyAdds(long[] inputShape) {
        long[] out = outputShape(inputShape);
        return out[0] * out[1] * out[2] * out[3];
    }

    // ---- CPU path -----------------------------------------------------------------------------
    // Viewing [N, C, 2*oH, 2*oW] as [N, C, oH, 2, oW, 2] puts each 2x2 block on the two size-2 axes:
    // summing over them gives all block sums at once.

    @Override
    public INDArray forward(INDArray x) {
        long[] out = outputShape(x.shape());
        if (coefficient.value().dataType() != x.dataType())
            throw new IllegalArgumentException(name + ": input is " + x.dataType() + " but the parameters are "
                    + coefficient.value().dataType() + "; convert with parametersTo(DataType." + x.dataType() + ")");
        input = x;
        INDArray evenPart = x.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(0, 2 * out[2]), NDArrayIndex.interval(0, 2 * out[3]));
        blockSums = evenPart.dup('c').reshape(out[0], channels, out[2], 2, out[3], 2).sum(3, 5);
        INDArray y = blockSums.mul(perChannel(coefficient.value()));
        return y.addi(perChannel(bias.value()));
    }

    /**
     * dL/dBias[c] = sum of dL/dy over channel c; dL/dCoefficient[c] = sum of dL/dy * s over channel c;
     * dL/dx = coefficient[c] * dL/dy for each of the 4 pixels of the block (0 for a left-out odd row or column).
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!Arrays.equals(gradOutput.shape(), blockSums.shape()))
            throw new ShapeException(name + " backward", Arrays.toString(blockSums.shape()), gradOutput.shape());
        INDArray g = gradOutput.castTo(input.dataType());
        bias.accumulate(g.sum(0, 2, 3));
        coefficient.accumulate(g.mul(blockSums).sum(0, 2, 3));

        long n = g.size(0), oH = g.size(2), oW = g.size(3);
        INDArray perBlock = g.mul(perChannel(coefficient.value())).reshape(n, channels, oH, 1, oW, 1);
        INDArray perPixel = Nd4j.create(input.dataType(), n, channels, oH, 2, oW, 2).addi(perBlock); // 4 equal pixels per block
        INDArray dx = Nd4j.create(input.dataType(), input.shape());
        dx.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2 * oH), NDArrayIndex.interval(0, 2 * oW))
                .assign(perPixel.reshape(n, channels, 2 * oH, 2 * oW));
        return dx;
    }

    /** A [C] vector as [1, C, 1, 1], so that it broadcasts over batch, height and width. */
    private static INDArray perChannel(INDArray vector) {
        return vector.reshape(1, vector.length(), 1, 1);
    }

    // ---- GPU path: cuDNN's 2x2 average pooling times 4 gives the block sums; per-channel products
    //      are cuDNN tensor operations with a [1, C, 1, 1] operand, which broadcasts like perChannel above.

    @Override
    public GpuArray forward(GpuArray x) {
        GpuBlocks.requireUsable(name, x, parameters());
        long[] out = outputShape(x.shape());
        gpuInput = x;
        GpuArray sums = gpuBlockSums.get(x.device(), x.dataType(), out), y = gpuOutput.get(x.device(), x.dataType(), out);
        try (var d = new Cudnn.Descriptors(); var four = Cudnn.scalar(4)) {
            var handle = GpuBlocks.cudnn(x);
            var xs = d.tensor(x.shape());
            var ys = d.tensor(out);
            var perChannel = d.tensor(1, channels, 1, 1);
            Cudnn.check(cudnn.cudnnPoolingForward(handle, d.pooling(cudnn.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING, 2, 2), four,
                    xs, x.pointer(), Cudnn.ZERO, ys, sums.pointer()), name + ": block sums (cudnnPoolingForward x 4)");
            Cudnn.check(cudnn.cudnnOpTensor(handle, d.operation(cudnn.CUDNN_OP_TENSOR_MUL), Cudnn.ONE, ys, sums.pointer(),
                    Cudnn.ONE, perChannel, coefficient.valueOnGpu().pointer(), Cudnn.ZERO, ys, y.pointer()), name + ": sums x coefficient");
            Cudnn.check(cudnn.cudnnAddTensor(handle, Cudnn.ONE, perChannel, bias.valueOnGpu().pointer(), Cudnn.ONE, ys, y.pointer()),
                    name + ": + bias");
        }
        return y;
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        backwardToParameters(gradOutput);
        GpuArray perBlock = gpuWork.like(gradOutput), dx = gpuGradInput.like(gpuInput);
        try (var d = new Cudnn.Descriptors(); var four = Cudnn.scalar(4)) {
            var handle = GpuBlocks.cudnn(gradOutput);
            var xs = d.tensor(gpuInput.shape());
            var ys = d.tensor(gradOutput.shape());
            Cudnn.check(cudnn.cudnnOpTensor(handle, d.operation(cudnn.CUDNN_OP_TENSOR_MUL), Cudnn.ONE, ys, gradOutput.pointer(),
                    Cudnn.ONE, d.tensor(1, channels, 1, 1), coefficient.valueOnGpu().pointer(), Cudnn.ZERO, ys, perBlock.pointer()),
                    name + ": coefficient x dL/dy");
            // Average pooling's backward gives each of the 4 pixels a quarter; times 4, each gets the whole.
            Cudnn.check(cudnn.cudnnPoolingBackward(handle, d.pooling(cudnn.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING, 2, 2), four,
                    ys, gpuBlockSums.like(gradOutput).pointer(), ys, perBlock.pointer(), xs, gpuInput.pointer(), Cudnn.ZERO, xs, dx.pointer()),
                    name + ": spread to the 2x2 blocks (cudnnPoolingBackward x 4)");
        }
        return dx;
    }

    /** dL/dBias = sums of dL/dy per channel; dL/dCoefficient = sums of dL/dy * s per channel. */
    @Override
    public void backwardToParameters(GpuArray gradOutput) {
        if (gpuInput == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, outputShape(gpuInput.shape()), gradOutput);
        GpuArray product = gpuWork.like(gradOutput);
        try (var d = new Cudnn.Descriptors()) {
            var handle = GpuBlocks.cudnn(gradOutput);
            var ys = d.tensor(gradOutput.shape());
            var perChannel = d.tensor(1, channels, 1, 1);
            Cudnn.check(cudnn.cudnnConvolutionBackwardBias(handle, Cudnn.ONE, ys, gradOutput.pointer(), Cudnn.ONE, perChannel,
                    bias.gradientOnGpu().pointer()), name + ": bias gradient");
            Cudnn.check(cudnn.cudnnOpTensor(handle, d.operation(cudnn.CUDNN_OP_TENSOR_MUL), Cudnn.ONE, ys, gradOutput.pointer(),
                    Cudnn.ONE, ys, gpuBlockSums.like(gradOutput).pointer(), Cudnn.ZERO, ys, product.pointer()), name + ": dL/dy x s");
            Cudnn.check(cudnn.cudnnConvolutionBackwardBias(handle, Cudnn.ONE, ys, product.pointer(), Cudnn.ONE, perChannel,
                    coefficient.gradientOnGpu().pointer()), name + ": coefficient gradient");
        }
    }

    @Override
    public void forgetActivations() {
        input = blockSums = null;
    }

    @Override
    public void freeGpuBuffers() {
        gpuBlockSums.free();
        gpuOutput.free();
        gpuWork.free();
        gpuGradInput.free();
        gpuInput = null;
    }

    @Override
    public String toString() {
        return "Subsampling(" + name + ": " + channels + " channels, 2x2 sum x coefficient + bias)";
    }
}
