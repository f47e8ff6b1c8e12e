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
 * Scaled tanh: y = A tanh(S x). Plain tanh has A = S = 1.
 * <p>
 * LeNet-5 uses A = 1.7159, S = 2/3 (LeCun et al. 1998, appendix A): then f(1) = 1 and f(-1) = -1,
 * and the gain is largest around |x| = 1, where training targets sit. AlexNet replaced such
 * saturating units with ReLU (2012, section 3.1).
 */
public final class Tanh implements Layer {
    private final String name;
    private final double amplitude;
    private final double slope;
    private INDArray t; // tanh(S x), all that backward needs
    private GpuArray gpuT; // the same on the GPU (a buffer of this block)
    private final GpuBuffer gpuTanh, gpuOutput, gpuGradInput;

    public Tanh(String name) {
        this(name, 1, 1);
    }

    public Tanh(String name, double amplitude, double slope) {
        this.name = name;
        this.amplitude = amplitude;
        this.slope = slope;
        this.gpuTanh = new GpuBuffer(name + " tanh");
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
    }

    /** LeNet-5's squashing function f(a) = 1.7159 tanh(2/3 a). */
    public static Tanh lecun(String name) {
        return new Tanh(name, 1.7159, 2.0 / 3.0);
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
        t = Transforms.tanh(input.mul(slope), false); // false: in place on the fresh product
        return t.mul(amplitude);
    }

    /** dy/dx = A S (1 - tanh^2(S x)). */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (t == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!gradOutput.equalShapes(t))
            throw new ShapeException(name + " backward", Arrays.toString(t.shape()), gradOutput.shape());
        INDArray derivative = t.mul(t).rsubi(1).muli(amplitude * slope);
        return gradOutput.mul(derivative);
    }

    // ---- GPU path: cuDNN's TANH activation, with the scalings as cuDNN's alpha factors ------------

    @Override
    public GpuArray forward(GpuArray input) {
        GpuBlocks.requireUsable(name, input, List.of());
        GpuArray tanh = gpuTanh.like(input), y = gpuOutput.like(input);
        try (var d = new Cudnn.Descriptors(); var s = Cudnn.scalar(slope); var a = Cudnn.scalar(amplitude)) {
            var shape = d.tensor(input.shape());
            var handle = GpuBlocks.cudnn(input);
            Cudnn.check(cudnn.cudnnAddTensor(handle, s, shape, input.pointer(), Cudnn.ZERO, shape, tanh.pointer()), name + ": S x (cudnnAddTensor)");
            Cudnn.check(cudnn.cudnnActivationForward(handle, d.activation(cudnn.CUDNN_ACTIVATION_TANH), Cudnn.ONE, shape, tanh.pointer(),
                    Cudnn.ZERO, shape, tanh.pointer()), name + ": tanh (cudnnActivationForward, in place)");
            Cudnn.check(cudnn.cudnnAddTensor(handle, a, shape, tanh.pointer(), Cudnn.ZERO, shape, y.pointer()), name + ": A tanh (cudnnAddTensor)");
        }
        gpuT = tanh;
        return y;
    }

    /** cuDNN's tanh backward is dy (1 - t^2) from t = tanh(...); its alpha adds the factor A S. */
    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (gpuT == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, gpuT.shape(), gradOutput);
        GpuArray dx = gpuGradInput.like(gpuT);
        try (var d = new Cudnn.Descriptors(); var as = Cudnn.scalar(amplitude * slope)) {
            var shape = d.tensor(gpuT.shape());
            Cudnn.check(cudnn.cudnnActivationBackward(GpuBlocks.cudnn(gradOutput), d.activation(cudnn.CUDNN_ACTIVATION_TANH), as,
                    shape, gpuT.pointer(), shape, gradOutput.pointer(), shape, gpuT.pointer(), Cudnn.ZERO, shape, dx.pointer()),
                    name + ": cudnnActivationBackward(TANH)");
        }
        return dx;
    }

    @Override
    public void forgetActivations() {
        t = null;
    }

    @Override
    public void freeGpuBuffers() {
        gpuTanh.free();
        gpuOutput.free();
        gpuGradInput.free();
        gpuT = null;
    }

    @Override
    public String toString() {
        if (amplitude == 1 && slope == 1)
            return "Tanh(" + name + ")";
        return "Tanh(" + name + ": " + amplitude + " tanh(" + slope + " x))";
    }
}
