package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Average pooling: each output is the mean of its k x k window; windows start every {@code stride} pixels.
 * <pre>
 *   y[n, c, i, j] = (1 / k^2) * sum over u, v < k of  x[n, c, i*stride + u, j*stride + v]
 * </pre>
 * Shapes: [N, C, H, W] -> [N, C, floor((H - k) / stride) + 1, same for W]; no padding.
 * <p>
 * The fixed cousin of LeNet-5's trainable {@link Subsampling}; AlexNet uses {@link MaxPool2d} instead.
 */
public final class AvgPool2d implements Layer {
    private final String name;
    private final int kernelSize, stride;
    private INDArray input; // avgpool2d_bp takes it, though only its shape matters

    public AvgPool2d(String name, int kernelSize, int stride) {
        if (name == null || name.isBlank())
            throw new IllegalArgumentException("AvgPool2d needs a name, e.g. \"pool1\"");
        if (kernelSize < 1 || stride < 1)
            throw new IllegalArgumentException(name + ": kernel size and stride must be at least 1, got " + kernelSize + " and " + stride);
        this.name = name;
        this.kernelSize = kernelSize;
        this.stride = stride;
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
     * No multiply-adds: an average pool adds (k*k per output) and divides once. Like the papers,
     * we count the multiply-adds of the weighted layers only, so this is 0.
     */
    @Override
    public long multiplyAdds(long[] inputShape) {
        outputShape(inputShape); // still checks the shape
        return 0;
    }

    // ---- CPU path -----------------------------------------------------------------------------
    // libnd4j's avgpool2d / avgpool2d_bp ops, in native code.

    @Override
    public INDArray forward(INDArray x) {
        long[] outShape = outputShape(x.shape());
        input = x;
        INDArray y = Nd4j.createUninitialized(x.dataType(), outShape);
        Nd4j.exec(DynamicCustomOp.builder("avgpool2d").addInputs(x).addOutputs(y).addIntegerArguments(settings()).build());
        return y;
    }

    /** Each window spreads dL/dy evenly, 1/k^2 to each of its inputs; a pixel in several windows gets the sum. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        long[] outShape = outputShape(input.shape());
        if (!Arrays.equals(gradOutput.shape(), outShape))
            throw new ShapeException(name + " backward", Arrays.toString(outShape), gradOutput.shape());
        INDArray dx = Nd4j.create(input.dataType(), input.shape());
        Nd4j.exec(DynamicCustomOp.builder("avgpool2d_bp").addInputs(input, gradOutput.castTo(input.dataType()))
                .addOutputs(dx).addIntegerArguments(settings()).build());
        return dx;
    }

    /** libnd4j's pooling arguments: kernel, stride, padding 0, dilation 1, no "same" mode, divide by k^2, NCHW. */
    private int[] settings() {
        return new int[]{kernelSize, kernelSize, stride, stride, 0, 0, 1, 1, 0, 1, 0};
    }

    // ---- GPU path: cuDNN pooling forward/backward (the GPU issue fills this in) ---------------

    @Override
    public String toString() {
        return "AvgPool2d(" + name + ": " + kernelSize + "x" + kernelSize + ", stride " + stride + ")";
    }
}
