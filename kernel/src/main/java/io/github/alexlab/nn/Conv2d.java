package io.github.alexlab.nn;

import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * A 2-D convolution: every output channel slides its own k x k filter over the input channels.
 * <pre>
 *   y[n, o, i, j] = bias[o] + sum over c, u, v of  weight[o, c, u, v] * x[n, c, i*stride + u - pad, j*stride + v - pad]
 * </pre>
 * Shapes: input [N, inChannels, H, W], weight [outChannels, inChannels/groups, k, k], bias [outChannels],
 * output [N, outChannels, floor((H + 2 pad - k) / stride) + 1, same for W].
 * <p>
 * {@code groups} splits the channels into independent stacks, as AlexNet (2012, section 3.2) split
 * conv2, conv4 and conv5 over two GPUs: output channels of group g only see input channels of group g.
 * A connection table does the same by hand, as in LeNet-5's C3 (LeCun et al. 1998, Table I).
 * {@link NaiveConvolution} is the same computation as plain loops.
 * <p>
 * Three engines compute it: on the CPU oneDNN's kernels ({@link OneDnnConvolution}) or im2col
 * and a matrix multiply ({@link Im2colConvolution}), on a GPU cuDNN ({@link CudnnConvolution}). A connection
 * table ({@link ConnectionTable}) masks the weights.
 */
public final class Conv2d implements Layer {
    private final String name;
    private final int inChannels, outChannels, kernelSize, stride, padding, groups;
    private final Parameter weight, bias;

    private INDArray input; // what backward needs from forward

    private final OneDnnConvolution oneDnn = new OneDnnConvolution(this); // the CPU's engine with oneDNN
    private final Im2colConvolution im2col;                               // the CPU's engine without
    private final CudnnConvolution cudnn;                                 // the GPU's

    /** Stride 1, no padding, one group. */
    public Conv2d(String name, int inChannels, int outChannels, int kernelSize) {
        this(name, inChannels, outChannels, kernelSize, 1, 0, 1);
    }

    public Conv2d(String name, int inChannels, int outChannels, int kernelSize, int stride, int padding, int groups) {
        if (name == null || name.isBlank())
            throw new IllegalArgumentException("Conv2d needs a name, e.g. \"conv1\"");
        check(inChannels >= 1 && outChannels >= 1, name + ": channels must be at least 1, got " + inChannels + " -> " + outChannels);
        check(kernelSize >= 1, name + ": kernel size must be at least 1, got " + kernelSize);
        check(stride >= 1, name + ": stride must be at least 1, got " + stride);
        check(padding >= 0, name + ": padding must be 0 or more, got " + padding);
        check(groups >= 1, name + ": groups must be at least 1, got " + groups);
        check(inChannels % groups == 0, name + ": " + inChannels + " input channels do not split into " + groups + " groups");
        check(outChannels % groups == 0, name + ": " + outChannels + " output channels do not split into " + groups + " groups");
        this.name = name;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.weight = new Parameter("weight", Nd4j.create(DataType.FLOAT, outChannels, inChannels / groups, kernelSize, kernelSize));
        this.bias = new Parameter("bias", Nd4j.create(DataType.FLOAT, outChannels));
        this.cudnn = new CudnnConvolution(this);
        this.im2col = new Im2colConvolution(this); // after the settings above: it sizes its patches by them
        initialize(Init.he(), Init.constant(0), name.hashCode()); // the same name gives the same start
    }

    /**
     * Refills the weights and the bias and clears their gradients, as {@link Linear#initialize} does;
     * fanIn = inChannels/groups * k * k inputs feed one output, fanOut = outChannels/groups * k * k. With a
     * connection table each output map gets its own fan-in (connected input maps * k * k), as LeCun et al. 1998.
     */
    public Conv2d initialize(Init weights, Init biases, long seed) {
        var rng = Init.random(seed);
        long area = (long) kernelSize * kernelSize;
        long fanIn = inChannels / groups * area, fanOut = outChannels / groups * area;
        if (weight.mask() == null)
            weights.fill(weight.value(), fanIn, fanOut, rng);
        else
            fanOut = ConnectionTable.initialize(weights, weight.value(), weight.mask(), rng);
        biases.fill(bias.value(), fanIn, fanOut, rng);
        zeroGradients(); // gradients of the old weights would be applied to the new ones
        return this;
    }

    /**
     * Connects output map o to input map c only where {@code table[o][c]} is true, as LeNet-5's C3.
     * Unconnected weights are fixed at zero, get no gradient and are not counted as parameters.
     * Call {@link #initialize} afterwards to draw the weights with each map's own fan-in.
     */
    public Conv2d connections(boolean[][] table) {
        check(groups == 1, name + ": a connection table needs groups = 1, this layer has " + groups);
        weight.setMask(ConnectionTable.mask(name, table, weight.value()));
        return this;
    }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }
    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }
    public int kernelSize() { return kernelSize; }
    public int stride() { return stride; }
    public int padding() { return padding; }
    public int groups() { return groups; }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        ShapeException.require(name, "images with " + inChannels + " channels", inputShape, -1, inChannels, -1, -1);
        int smallest = Math.max(1, kernelSize - 2 * padding);
        if (inputShape[2] < smallest || inputShape[3] < smallest)
            throw new ShapeException(name, "[N, " + inChannels + ", h, w] with h, w >= " + smallest + " (the " + kernelSize + "x"
                    + kernelSize + " kernel must fit in the image padded by " + padding + ")", inputShape);
        return new long[]{inputShape[0], outChannels, outSize(inputShape[2]), outSize(inputShape[3])};
    }

    private long outSize(long size) {
        return (size + 2L * padding - kernelSize) / stride + 1; // integer division: floor
    }

    /**
     * One multiply-add per weight per output position: N * outC * oH * oW * (inC/groups) * k * k, or, with a
     * connection table, N * oH * oW * (connected weights). The bias adds (one per output) are not counted.
     */
    @Override
    public long multiplyAdds(long[] inputShape) {
        long[] out = outputShape(inputShape);
        long weightsUsed = weight.mask() == null ? weight.value().length() : weight.trainableCount();
        return out[0] * out[2] * out[3] * weightsUsed;
    }

    // ---- CPU path -----------------------------------------------------------------------------
    // Two engines, the same numbers (Conv2dTest checks both against NaiveConvolution): oneDNN's convolution
    // kernels when ND4J runs its oneDNN build (CpuEngine), otherwise im2col + one matrix multiply per group
    // (Im2colConvolution). (The plain build's own conv2d op is slower than im2col on AlexNet's
    // conv2, so it is not used.)

    @Override
    public INDArray forward(INDArray x) {
        outputShape(x.shape());
        requireType(x.dataType());
        input = x;
        if (!useOneDnn())
            return im2col.forward(x);
        im2col.forget(); // an im2col backward makes its own patches
        return oneDnn.forward(x);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        checkBackward(gradOutput);
        return useOneDnn() ? oneDnn.backward(input, gradOutput) : im2col.backward(input, gradOutput, true);
    }

    /** The first layer of a network: dL/dWeight and dL/dBias only, no dL/dInput (the images need none). */
    @Override
    public void backwardToParameters(INDArray gradOutput) {
        checkBackward(gradOutput);
        if (CpuEngine.oneDnn() && stride == 1 && groups == 1)
            oneDnn.parameterGradients(input, gradOutput);
        else if (useOneDnn())
            oneDnn.backward(input, gradOutput);
        else
            im2col.backward(input, gradOutput, false);
    }

    private void checkBackward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        long[] outShape = outputShape(input.shape());
        if (!Arrays.equals(gradOutput.shape(), outShape))
            throw new ShapeException(name + " backward", Arrays.toString(outShape), gradOutput.shape());
    }

    /**
     * oneDNN where it is there, except for a strided layer on few input channels (AlexNet's
     * conv1: 1 or 3 channels, stride 4), whose oneDNN backward is slower than im2col (about three times).
     * LeNet's stride-1 layers on 1 and 6 channels gain most (several times faster a step).
     */
    private boolean useOneDnn() {
        return (stride == 1 || inChannels / groups >= 8) && CpuEngine.oneDnn();
    }

    private void requireType(DataType type) {
        if (weight.value().dataType() != type)
            throw new IllegalArgumentException(name + ": input is " + type + " but the parameters are "
                    + weight.value().dataType() + "; convert with parametersTo(DataType." + type + ")");
    }

    private static void check(boolean ok, String message) {
        if (!ok)
            throw new IllegalArgumentException(message);
    }

    // ---- GPU path: cuDNN's convolution forward, backward data and backward filter (CudnnConvolution) ----

    @Override
    public GpuArray forward(GpuArray x) {
        return cudnn.forward(x);
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        return cudnn.backward(gradOutput);
    }

    /** dL/dWeight and dL/dBias, added to the gradients; no dL/dInput. */
    @Override
    public void backwardToParameters(GpuArray gradOutput) {
        cudnn.parameterGradients(gradOutput);
    }

    @Override
    public void forgetActivations() {
        input = null;
        im2col.forget();
    }

    @Override
    public void freeGpuBuffers() {
        cudnn.free();
    }

    @Override
    public String toString() {
        return "Conv2d(" + name + ": " + inChannels + "->" + outChannels + ", " + kernelSize + "x" + kernelSize
                + ", stride " + stride + ", pad " + padding + ", groups " + groups + ")";
    }
}
