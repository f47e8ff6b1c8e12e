package io.github.alexlab.nn;

import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
 * ({@link Im2col}) and a matrix multiply (below), on a GPU cuDNN ({@link CudnnConvolution}). A connection
 * table ({@link ConnectionTable}) masks the weights.
 */
public final class Conv2d implements Layer {
    private final String name;
    private final int inChannels, outChannels, kernelSize, stride, padding, groups;
    private final Parameter weight, bias;

    private INDArray input; // what backward needs from forward
    private final Im2col im2col;

    private final OneDnnConvolution oneDnn = new OneDnnConvolution(this); // the CPU's other engine
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
        this.im2col = new Im2col(inChannels, kernelSize, stride, padding);
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
    // kernels when ND4J runs its oneDNN build (CpuEngine), otherwise im2col + one matrix multiply per group:
    // all outputs are weights[outC, C*k*k] x columns[C*k*k, N*oH*oW]. (The plain build's own conv2d op is
    // slower than im2col on AlexNet's conv2, so it is not used.)

    @Override
    public INDArray forward(INDArray x) {
        outputShape(x.shape());
        requireType(x.dataType());
        if (!useOneDnn())
            return forwardIm2col(x);
        input = x;
        im2col.forget(); // an im2col backward makes its own columns
        return oneDnn.forward(x);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        checkBackward(gradOutput);
        return useOneDnn() ? oneDnn.backward(input, gradOutput) : backwardIm2col(gradOutput, true);
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
            backwardIm2col(gradOutput, false);
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

    // -- im2col + matrix multiply

    private INDArray forwardIm2col(INDArray x) {
        long[] outShape = outputShape(x.shape());
        long n = outShape[0], oH = outShape[2], oW = outShape[3];
        input = x;
        INDArray columns = im2col.columnsOf(x, oH, oW);
        long rowsPerGroup = columns.rows() / groups, outPerGroup = outChannels / groups;
        INDArray filters = weight.value().reshape(outChannels, rowsPerGroup); // one filter per row
        INDArray y = Nd4j.createUninitialized(x.dataType(), outChannels, n * oH * oW);
        // Group g's input channels are a block of rows of the columns, its output channels a block of rows
        // of y: views, so each group multiplies its own slice and nothing needs concatenating.
        for (int g = 0; g < groups; g++)
            Nd4j.gemm(rows(filters, g * outPerGroup, outPerGroup), rows(columns, g * rowsPerGroup, rowsPerGroup),
                    rows(y, g * outPerGroup, outPerGroup), false, false, 1.0, 0.0);
        y.addi(bias.value().reshape(outChannels, 1)); // broadcast over the columns
        return y.reshape(outChannels, n, oH, oW).permute(1, 0, 2, 3).dup('c'); // [outC, N, ...] -> [N, outC, ...]
    }

    /**
     * With dY = dL/dOutput as a matrix [outC, N*oH*oW]: dL/dBias = row sums of dY, dL/dWeight = dY x columns^T,
     * dL/dColumns = weights^T x dY, and col2im adds each column back onto the pixels it was copied from.
     */
    private INDArray backwardIm2col(INDArray gradOutput, boolean inputGradient) {
        long[] outShape = outputShape(input.shape());
        INDArray columns = im2col.columnsAgain(input, outShape[2], outShape[3]);
        long rowsPerGroup = columns.rows() / groups, outPerGroup = outChannels / groups;
        INDArray dY = gradOutput.castTo(input.dataType()).permute(1, 0, 2, 3).dup('c').reshape(outChannels, columns.columns());
        INDArray filters = weight.value().reshape(outChannels, rowsPerGroup);
        INDArray dFilters = Nd4j.create(input.dataType(), outChannels, rowsPerGroup);
        for (int g = 0; g < groups; g++)
            Nd4j.gemm(rows(dY, g * outPerGroup, outPerGroup), rows(columns, g * rowsPerGroup, rowsPerGroup),
                    rows(dFilters, g * outPerGroup, outPerGroup), false, true, 1.0, 0.0);
        bias.accumulate(dY.sum(1));
        weight.accumulate(dFilters.reshape(weight.value().shape())); // masked weights (connection table) get none
        if (!inputGradient)
            return null;
        for (int g = 0; g < groups; g++) // dL/dColumns overwrites the columns: they are not needed any more
            Nd4j.gemm(rows(filters, g * outPerGroup, outPerGroup), rows(dY, g * outPerGroup, outPerGroup),
                    rows(columns, g * rowsPerGroup, rowsPerGroup), true, false, 1.0, 0.0);
        return im2col.col2im(input);
    }

    /** Rows [from, from + count) of a matrix, as a view (contiguous, so BLAS can write into it). */
    private static INDArray rows(INDArray matrix, long from, long count) {
        return matrix.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
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
    public void freeGpuBuffers() {
        cudnn.free();
    }

    @Override
    public String toString() {
        return "Conv2d(" + name + ": " + inChannels + "->" + outChannels + ", " + kernelSize + "x" + kernelSize
                + ", stride " + stride + ", pad " + padding + ", groups " + groups + ")";
    }
}
