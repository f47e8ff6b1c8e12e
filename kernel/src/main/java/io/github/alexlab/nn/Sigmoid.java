package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Logistic sigmoid: y = 1 / (1 + e^-x), squashing any number into (0, 1). Saturates at both
 * ends, where its gradient y (1 - y) vanishes: one reason deep networks moved to ReLU.
 */
public final class Sigmoid implements Layer {
    private final String name;
    private INDArray output; // backward needs only y

    public Sigmoid(String name) {
        this.name = name;
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
            throw new ShapeException(name + " backward", java.util.Arrays.toString(output.shape()), gradOutput.shape());
        return gradOutput.mul(output).muli(output.rsub(1));
    }

    // ---- GPU path: cuDNN activation forward/backward (SIGMOID) (the GPU issue fills this in) ---

    @Override
    public String toString() {
        return "Sigmoid(" + name + ")";
    }
}
