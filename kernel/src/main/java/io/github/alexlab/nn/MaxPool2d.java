package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Max pooling: each output is the largest input in its k x k window; windows start every {@code stride} pixels.
 * <pre>
 *   y[n, c, i, j] = max over u, v < k of  x[n, c, i*stride + u, j*stride + v]
 * </pre>
 * Shapes: [N, C, H, W] -> [N, C, floor((H - k) / stride) + 1, same for W]; no padding.
 * <p>
 * AlexNet (2012, section 3.4) pools with k = 3, stride 2: the windows overlap, which lowered its top-1
 * error by 0.4% against the plain k = 2, stride 2.
 */
public final class MaxPool2d implements Layer {
    private final String name;
    private final int kernelSize, stride;
    private INDArray input; // backward finds the maximum of each window in it again

    public MaxPool2d(String name, int kernelSize, int stride) {
        if (name == null || name.isBlank())
            throw new IllegalArgumentException("MaxPool2d needs a name, e.g. \"pool1\"");
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
     * No multiply-adds: a max-pool compares (k*k per output). Like the papers, we count the
     * multiply-adds of the weighted layers only, so this is 0.
     */
    @Override
    public long multiplyAdds(long[] inputShape) {
        outputShape(inputShape); // still checks the shape
        return 0;
    }

    // ---- CPU path -----------------------------------------------------------------------------
    // libnd4j's maxpool2d / maxpool2d_bp ops: fast in native code, and the tests check that the
    // gradient of overlapping windows adds up where one pixel is the maximum of several windows.

    @Override
    public INDArray forward(INDArray x) {
        long[] outShape = outputShape(x.shape());
        input = x;
        INDArray y = Nd4j.createUninitialized(x.dataType(), outShape);
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(y).addIntegerArguments(settings()).build());
        return y;
    }

    /** Each window passes its dL/dy to the input that was its maximum; a pixel that won several windows gets the sum. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        long[] outShape = outputShape(input.shape());
        if (!Arrays.equals(gradOutput.shape(), outShape))
            throw new ShapeException(name + " backward", Arrays.toString(outShape), gradOutput.shape());
        INDArray dx = Nd4j.create(input.dataType(), input.shape());
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(input, gradOutput.castTo(input.dataType()))
                .addOutputs(dx).addIntegerArguments(settings()).build());
        return dx;
    }

    /** libnd4j's pooling arguments: kernel, stride, padding 0, dilation 1, no "same" mode, (unused), NCHW. */
    private int[] settings() {
        return new int[]{kernelSize, kernelSize, stride, stride, 0, 0, 1, 1, 0, 0, 0};
    }

    // ---- GPU path: cuDNN pooling forward/backward (the GPU issue fills this in) ---------------

    @Override
    public String toString() {
        return "MaxPool2d(" + name + ": " + kernelSize + "x" + kernelSize + ", stride " + stride + ")";
    }
}
