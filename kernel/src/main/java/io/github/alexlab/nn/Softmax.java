package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

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

    public Softmax(String name) {
        this.name = name;
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
            throw new ShapeException(name + " backward", java.util.Arrays.toString(output.shape()), gradOutput.shape());
        INDArray dot = gradOutput.mul(output).sum(true, 1); // [N, 1]: sum_k g[k] y[k] per row
        return gradOutput.subColumnVector(dot).muli(output);
    }

    // ---- GPU path: cuDNN softmax forward/backward, mode INSTANCE, algorithm ACCURATE
    //      (the GPU issue fills this in) -----------------------------------------------------------

    @Override
    public String toString() {
        return "Softmax(" + name + ")";
    }
}
