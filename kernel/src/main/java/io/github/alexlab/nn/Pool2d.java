package io.github.alexlab.nn;

import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * What max and average pooling share: k x k windows every {@code stride} pixels, no padding, no
 * parameters, and libnd4j's native pooling ops for forward and backward.
 * Shapes: [N, C, H, W] -> [N, C, floor((H - k) / stride) + 1, same for W].
 */
abstract class Pool2d implements Layer {
    private final String name, op;
    private final int kernelSize, stride, averageFlag;
    private INDArray input; // the backward ops take it (max pooling finds each window's maximum in it again)
    private GpuArray gpuInput, gpuY;
    private final GpuBuffer gpuOutput, gpuGradInput;

    /** {@code op}: "maxpool2d" or "avgpool2d" (the backward op is op + "_bp"). */
    Pool2d(String kind, String name, int kernelSize, int stride, String op, boolean divideByWindow) {
        if (name == null || name.isBlank())
            throw new IllegalArgumentException(kind + " needs a name, e.g. \"pool1\"");
        if (kernelSize < 1 || stride < 1)
            throw new IllegalArgumentException(name + ": kernel size and stride must be at least 1, got " + kernelSize + " and " + stride);
        this.name = name;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.op = op;
        this.averageFlag = divideByWindow ? 1 : 0;
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
    }

    public int kernelSize() { return kernelSize; }
    public int stride() { return stride; }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        ShapeException.require(name, "images", inputShape, -1, -1, -1, -1);
        if (inputShape[2] < kernelSize || inputShape[3] < kernelSize)
            throw new ShapeException(name, "[N, C, h, w] with h, w >= " + kernelSize + " (the " + kernelSize + "x"
                    + kernelSize + " window must fit in the image)", inputShape);
        return new long[]{inputShape[0], inputShape[1], (inputShape[2] - kernelSize) / stride + 1,
                (inputShape[3] - kernelSize) / stride + 1};
    }

    /**
     * No multiply-adds: pooling compares or adds (k*k per output). Like the papers, we count the
     * multiply-adds of the weighted layers only, so this is 0.
     */
    @Override
    public long multiplyAdds(long[] inputShape) {
        outputShape(inputShape); // still checks the shape
        return 0;
    }

    // ---- CPU path: libnd4j's native pooling ops ------------------------------------------------
    // With ND4J's oneDNN build (CpuEngine) they run oneDNN's pooling kernels, which were faster than libnd4j's
    // own loops on every pooling layer of LeNet-5 and AlexNet, forward and backward, side by side.
    // NaivePooling is the same computation as plain loops.

    @Override
    public INDArray forward(INDArray x) {
        long[] outShape = outputShape(x.shape());
        input = x;
        INDArray y = Nd4j.createUninitialized(x.dataType(), outShape);
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x).addOutputs(y).addIntegerArguments(settings()).build());
        return y;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        long[] outShape = outputShape(input.shape());
        if (!Arrays.equals(gradOutput.shape(), outShape))
            throw new ShapeException(name + " backward", Arrays.toString(outShape), gradOutput.shape());
        INDArray dx = Nd4j.createUninitialized(input.dataType(), input.shape()); // the op writes every entry
        INDArray g = gradOutput.castTo(input.dataType());
        Nd4j.exec(DynamicCustomOp.builder(op + "_bp").addInputs(input, g).addOutputs(dx).addIntegerArguments(settings()).build());
        return dx;
    }

    /** libnd4j's pooling arguments: kernel, stride, padding 0, dilation 1, no "same" mode, divide by k^2 or not, NCHW. */
    private int[] settings() {
        return new int[]{kernelSize, kernelSize, stride, stride, 0, 0, 1, 1, 0, averageFlag, 0};
    }

    // ---- GPU path: cuDNN's pooling forward and backward ----------------------------------------

    /** Max, or the mean over all k^2 inputs (no padding here, so "including padding" changes nothing). */
    private int cudnnMode() {
        return op.startsWith("max") ? cudnn.CUDNN_POOLING_MAX : cudnn.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING;
    }

    @Override
    public GpuArray forward(GpuArray x) {
        GpuBlocks.requireUsable(name, x, List.of());
        long[] outShape = outputShape(x.shape());
        GpuArray y = gpuOutput.get(x.device(), x.dataType(), outShape);
        try (var d = new Cudnn.Descriptors()) {
            Cudnn.check(cudnn.cudnnPoolingForward(GpuBlocks.cudnn(x), d.pooling(cudnnMode(), kernelSize, stride),
                    Cudnn.ONE, d.tensor(x.shape()), x.pointer(), Cudnn.ZERO, d.tensor(outShape), y.pointer()), name + ": cudnnPoolingForward");
        }
        gpuInput = x;
        gpuY = y;
        return y;
    }

    /** cuDNN's backward takes y, dy and x (max pooling finds each window's winner again). */
    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (gpuInput == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, gpuY.shape(), gradOutput);
        GpuArray dx = gpuGradInput.like(gpuInput);
        try (var d = new Cudnn.Descriptors()) {
            var xShape = d.tensor(gpuInput.shape());
            var yShape = d.tensor(gpuY.shape());
            Cudnn.check(cudnn.cudnnPoolingBackward(GpuBlocks.cudnn(gradOutput), d.pooling(cudnnMode(), kernelSize, stride),
                    Cudnn.ONE, yShape, gpuY.pointer(), yShape, gradOutput.pointer(), xShape, gpuInput.pointer(),
                    Cudnn.ZERO, xShape, dx.pointer()), name + ": cudnnPoolingBackward");
        }
        return dx;
    }

    @Override
    public void forgetActivations() {
        input = null;
    }

    @Override
    public void freeGpuBuffers() {
        gpuOutput.free();
        gpuGradInput.free();
        gpuInput = gpuY = null;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + name + ": " + kernelSize + "x" + kernelSize + ", stride " + stride + ")";
    }
}
