package io.github.alexlab.nn;

import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import java.util.Arrays;
import java.util.List;

/**
 * Softmax over the classes: y[k] = e^x[k] / sum_j e^x[j], for each row of [N, K]. Turns AlexNet's
 * 1000 scores (fc8) into probabilities that sum to 1.
 * <p>
 * Numerically stable: subtracting the row maximum first changes nothing mathematically (the
 * factor e^-max cancels) but keeps e^x from overflowing. For training, prefer
 * {@link CrossEntropyLoss}, which fuses softmax with the loss.
 */
public final class Softmax implements Layer {
    private final String name;
    private INDArray output; // backward needs only y
    private GpuArray gpuY;
    private final GpuBuffer gpuOutput, gpuGradInput;

    public Softmax(String name) {
        this.name = name;
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
    }

    @Override
    public String name() {
        return name;
    }

    /** [N, K] -> [N, K]. */
    @Override
    public long[] outputShape(long[] inputShape) {
        ShapeException.require(name, "a batch of score vectors", inputShape, -1, -1);
        return inputShape.clone();
    }

    // ---- CPU path -----------------------------------------------------------------------------

    @Override
    public INDArray forward(INDArray input) {
        outputShape(input.shape());
        INDArray shifted = input.subColumnVector(input.max(true, 1)); // x - max: every entry <= 0
        INDArray e = Transforms.exp(shifted, false);
        output = e.diviColumnVector(e.sum(true, 1));
        return output;
    }

    /**
     * dy[k]/dx[j] = y[k] ([k == j] - y[j]), so dL/dx[j] = y[j] (g[j] - sum_k g[k] y[k]) with g = dL/dy.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (output == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!gradOutput.equalShapes(output))
            throw new ShapeException(name + " backward", Arrays.toString(output.shape()), gradOutput.shape());
        INDArray dot = gradOutput.mul(output).sum(true, 1); // [N, 1]: sum_k g[k] y[k] per row
        return gradOutput.subColumnVector(dot).muli(output);
    }

    // ---- GPU path: cuDNN's softmax; ACCURATE subtracts the row maximum first, as above ----------

    @Override
    public GpuArray forward(GpuArray input) {
        GpuBlocks.requireUsable(name, input, List.of());
        outputShape(input.shape());
        GpuArray y = gpuOutput.like(input);
        try (var d = new Cudnn.Descriptors()) {
            var rows = d.tensor(input.shape()); // [N, K] as [N, K, 1, 1]: INSTANCE mode normalises over K per example
            Cudnn.check(cudnn.cudnnSoftmaxForward(GpuBlocks.cudnn(input), cudnn.CUDNN_SOFTMAX_ACCURATE, cudnn.CUDNN_SOFTMAX_MODE_INSTANCE,
                    Cudnn.ONE, rows, input.pointer(), Cudnn.ZERO, rows, y.pointer()), name + ": cudnnSoftmaxForward");
        }
        gpuY = y;
        return y;
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (gpuY == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, gpuY.shape(), gradOutput);
        GpuArray dx = gpuGradInput.like(gpuY);
        try (var d = new Cudnn.Descriptors()) {
            var rows = d.tensor(gpuY.shape());
            Cudnn.check(cudnn.cudnnSoftmaxBackward(GpuBlocks.cudnn(gradOutput), cudnn.CUDNN_SOFTMAX_ACCURATE, cudnn.CUDNN_SOFTMAX_MODE_INSTANCE,
                    Cudnn.ONE, rows, gpuY.pointer(), rows, gradOutput.pointer(), Cudnn.ZERO, rows, dx.pointer()), name + ": cudnnSoftmaxBackward");
        }
        return dx;
    }

    @Override
    public void forgetActivations() {
        output = null;
    }

    @Override
    public void freeGpuBuffers() {
        gpuOutput.free();
        gpuGradInput.free();
        gpuY = null;
    }

    @Override
    public String toString() {
        return "Softmax(" + name + ")";
    }
}
