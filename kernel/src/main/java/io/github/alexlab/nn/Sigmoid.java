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
 * Logistic sigmoid: y = 1 / (1 + e^-x), squashing any number into (0, 1). Saturates at both
 * ends, where its gradient y (1 - y) vanishes: one reason deep networks moved to ReLU.
 */
public final class Sigmoid implements Layer {
    private final String name;
    private INDArray output; // backward needs only y
    private GpuArray gpuY;
    private final GpuBuffer gpuOutput, gpuGradInput;

    public Sigmoid(String name) {
        this.name = name;
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape.clone();
    }

    // ---- CPU path -----------------------------------------------------------------------------

    @Override
    public INDArray forward(INDArray input) {
        output = Transforms.sigmoid(input, true); // true: a new array, the input stays as it was
        return output;
    }

    /** dy/dx = y (1 - y). */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (output == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!gradOutput.equalShapes(output))
            throw new ShapeException(name + " backward", Arrays.toString(output.shape()), gradOutput.shape());
        return gradOutput.mul(output).muli(output.rsub(1));
    }

    // ---- GPU path: cuDNN's SIGMOID activation forward and backward ----------------------------

    @Override
    public GpuArray forward(GpuArray input) {
        GpuBlocks.requireUsable(name, input, List.of());
        GpuArray y = gpuOutput.like(input);
        try (var d = new Cudnn.Descriptors()) {
            var shape = d.tensor(input.shape());
            Cudnn.check(cudnn.cudnnActivationForward(GpuBlocks.cudnn(input), d.activation(cudnn.CUDNN_ACTIVATION_SIGMOID),
                    Cudnn.ONE, shape, input.pointer(), Cudnn.ZERO, shape, y.pointer()), name + ": cudnnActivationForward(SIGMOID)");
        }
        gpuY = y;
        return y;
    }

    /** cuDNN computes dy y (1 - y) from y (x is passed but not read). */
    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (gpuY == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, gpuY.shape(), gradOutput);
        GpuArray dx = gpuGradInput.like(gpuY);
        try (var d = new Cudnn.Descriptors()) {
            var shape = d.tensor(gpuY.shape());
            Cudnn.check(cudnn.cudnnActivationBackward(GpuBlocks.cudnn(gradOutput), d.activation(cudnn.CUDNN_ACTIVATION_SIGMOID),
                    Cudnn.ONE, shape, gpuY.pointer(), shape, gradOutput.pointer(), shape, gpuY.pointer(), Cudnn.ZERO, shape, dx.pointer()),
                    name + ": cudnnActivationBackward(SIGMOID)");
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
        return "Sigmoid(" + name + ")";
    }
}
