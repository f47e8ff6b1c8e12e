package io.github.alexlab.nn;

import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import java.util.Arrays;
import java.util.List;

/**
 * ReLU: y = max(0, x). AlexNet's choice over tanh (2012, section 3.1): it does not saturate, so
 * a deep network trains several times faster.
 */
public final class ReLU implements Layer {
    private final String name;
    private INDArray input; // backward passes the gradient where it is > 0
    private GpuArray gpuInput;
    private final GpuBuffer gpuOutput, gpuGradInput;

    public ReLU(String name) {
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
        this.input = input;
        return Transforms.relu(input, true); // true: a new array, the input stays as it was
    }

    /** dL/dx = dL/dy where x > 0, else 0. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!gradOutput.equalShapes(input))
            throw new ShapeException(name + " backward", Arrays.toString(input.shape()), gradOutput.shape());
        // g * step(x), step(x) = 1 where x > 0, else 0. Two vectorised passes: libnd4j's one-pass relu_bp
        // calls a function per number and is about two and a half times slower.
        INDArray gradInput = Nd4j.createUninitialized(input.dataType(), input.shape());
        Nd4j.exec(new Step(input, gradInput));
        return gradInput.muli(gradOutput.castTo(input.dataType()));
    }

    // ---- GPU path: cuDNN's activation forward and backward -------------------------------------

    @Override
    public GpuArray forward(GpuArray input) {
        GpuBlocks.requireUsable(name, input, List.of());
        gpuInput = input;
        GpuArray y = gpuOutput.like(input);
        try (var d = new Cudnn.Descriptors()) {
            var shape = d.tensor(input.shape());
            Cudnn.check(cudnn.cudnnActivationForward(GpuBlocks.cudnn(input), d.activation(cudnn.CUDNN_ACTIVATION_RELU),
                    Cudnn.ONE, shape, input.pointer(), Cudnn.ZERO, shape, y.pointer()), name + ": cudnnActivationForward(RELU)");
        }
        return y;
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (gpuInput == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, gpuInput.shape(), gradOutput);
        GpuArray dx = gpuGradInput.like(gpuInput);
        try (var d = new Cudnn.Descriptors()) {
            var shape = d.tensor(gpuInput.shape());
            // cuDNN's backward takes y, dy and x; for ReLU it passes dy where x > 0.
            Cudnn.check(cudnn.cudnnActivationBackward(GpuBlocks.cudnn(gradOutput), d.activation(cudnn.CUDNN_ACTIVATION_RELU),
                    Cudnn.ONE, shape, gpuOutput.like(gpuInput).pointer(), shape, gradOutput.pointer(), shape, gpuInput.pointer(),
                    Cudnn.ZERO, shape, dx.pointer()), name + ": cudnnActivationBackward(RELU)");
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
        gpuInput = null;
    }

    @Override
    public String toString() {
        return "ReLU(" + name + ")";
    }
}
