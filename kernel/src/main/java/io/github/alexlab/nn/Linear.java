package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.Blas;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * Fully connected layer: y = x W + b, every output a weighted sum of every input.
 * AlexNet's fc6, fc7 and fc8 (6400 -> 4096 -> 4096 -> 1000 in this course's 224 x 224 variant)
 * hold most of its parameters.
 * <p>
 * Shapes: input x [N, in], weight W [in, out], bias b [out], output y [N, out]. W is stored
 * [in, out] (not PyTorch's [out, in]) so that the forward pass is one matrix product x W with no
 * transpose, and column j of W holds the weights of output unit j. To load PyTorch weights,
 * transpose them.
 * <p>
 * Default start: W from {@link Init#he()}, b = 0, seeded by the name, so the same name gives the
 * same weights.
 */
public final class Linear implements Layer {
    private final String name;
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private INDArray input; // kept for backward: dL/dW = x^T dL/dy
    private GpuArray gpuInput;
    private final GpuBuffer gpuOutput, gpuGradInput;

    public Linear(String name, int inFeatures, int outFeatures) {
        if (inFeatures < 1 || outFeatures < 1)
            throw new IllegalArgumentException(name + ": need at least one input and one output feature, got "
                    + inFeatures + " -> " + outFeatures);
        this.name = name;
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter("weight", Nd4j.create(DataType.FLOAT, inFeatures, outFeatures));
        this.bias = new Parameter("bias", Nd4j.create(DataType.FLOAT, outFeatures));
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
        initialize(Init.he(), Init.constant(0), name.hashCode()); // String.hashCode is the same in every JVM
    }

    /** Refills the weights and the bias (fan-in = in, fan-out = out) and clears their gradients, as {@link Conv2d#initialize} does. */
    public Linear initialize(Init weights, Init biases, long seed) {
        var rng = Init.random(seed);
        weights.fill(weight.value(), inFeatures, outFeatures, rng);
        biases.fill(bias.value(), inFeatures, outFeatures, rng);
        zeroGradients();
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    /** W, shape [in, out]. */
    public Parameter weight() {
        return weight;
    }

    /** b, shape [out]. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    /** [N, in] -> [N, out]. */
    @Override
    public long[] outputShape(long[] inputShape) {
        String meaning = "vectors of " + inFeatures + " features";
        if (inputShape.length == 4) // a common slip: conv output straight into a Linear
            meaning += "; this input is 4-D: put a Flatten before it";
        ShapeException.require(name, meaning, inputShape, -1, inFeatures);
        return new long[]{inputShape[0], outFeatures};
    }

    /** One multiply-add per weight per example: N * in * out. */
    @Override
    public long multiplyAdds(long[] inputShape) {
        long[] out = outputShape(inputShape);
        return out[0] * inFeatures * outFeatures;
    }

    // ---- CPU path -----------------------------------------------------------------------------

    @Override
    public INDArray forward(INDArray input) {
        outputShape(input.shape());
        if (input.dataType() != weight.value().dataType())
            throw new IllegalArgumentException(name + ": input is " + input.dataType() + " but the parameters are "
                    + weight.value().dataType() + "; convert one of them (parametersTo)");
        this.input = input;
        // x W as one BLAS call into a row-major result: several times faster than INDArray.mmul (fc1 of LeNet-5)
        INDArray y = Nd4j.createUninitialized(input.dataType(), input.size(0), outFeatures);
        Nd4j.gemm(input, weight.value(), y, false, false, 1.0, 0.0);
        return y.addiRowVector(bias.value());
    }

    /**
     * With g = dL/dy [N, out]:  dL/dW = x^T g [in, out],  dL/db = sum of g over the batch [out],
     * dL/dx = g W^T [N, in].
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        long[] expected = {input.size(0), outFeatures};
        if (!Arrays.equals(gradOutput.shape(), expected))
            throw new ShapeException(name + " backward", Arrays.toString(expected), gradOutput.shape());
        // dW += x^T g and dx = g W^T as BLAS calls with the transpose flag set, dW straight into
        // the gradient: input.transpose().mmul(...) on a transposed view took ~15x longer here.
        if (weight.mask() == null)
            Nd4j.gemm(input, gradOutput, weight.gradient(), true, false, 1.0, 1.0);
        else
            weight.accumulate(Nd4j.gemm(input, gradOutput, true, false));
        bias.accumulate(gradOutput.sum(0));
        return Nd4j.gemm(gradOutput, weight.value(), false, true);
    }

    // ---- GPU path: the same three products through cuBLAS, the bias through cuDNN --------------

    @Override
    public GpuArray forward(GpuArray x) {
        GpuBlocks.requireUsable(name, x, parameters());
        outputShape(x.shape());
        gpuInput = x;
        GpuArray y = gpuOutput.get(x.device(), x.dataType(), x.shape()[0], outFeatures);
        Blas.gemm(x, false, weight.valueOnGpu(), false, y, 1, 0);               // y = x W
        try (var d = new Cudnn.Descriptors()) {                                   // y += b, on every row
            Cudnn.check(cudnn.cudnnAddTensor(GpuBlocks.cudnn(x), Cudnn.ONE, d.tensor(1, outFeatures, 1, 1), bias.valueOnGpu().pointer(),
                    Cudnn.ONE, d.tensor(y.shape()), y.pointer()), name + ": bias (cudnnAddTensor)");
        }
        return y;
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        backwardToParameters(gradOutput);
        GpuArray dx = gpuGradInput.like(gpuInput);
        Blas.gemm(gradOutput, false, weight.valueOnGpu(), true, dx, 1, 0);     // dL/dx = g W^T
        return dx;
    }

    @Override
    public void backwardToParameters(GpuArray gradOutput) {
        if (gpuInput == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, new long[]{gpuInput.shape()[0], outFeatures}, gradOutput);
        Blas.gemm(gpuInput, true, gradOutput, false, weight.gradientOnGpu(), 1, 1);  // dL/dW += x^T g
        weight.maskGradientOnGpu();
        try (var d = new Cudnn.Descriptors()) {                                   // dL/db += sum of g over the batch
            Cudnn.check(cudnn.cudnnConvolutionBackwardBias(GpuBlocks.cudnn(gradOutput), Cudnn.ONE, d.tensor(gradOutput.shape()),
                    gradOutput.pointer(), Cudnn.ONE, d.tensor(1, outFeatures, 1, 1), bias.gradientOnGpu().pointer()), name + ": bias gradient");
        }
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
        return "Linear(" + name + ": " + inFeatures + "->" + outFeatures + ")";
    }
}
