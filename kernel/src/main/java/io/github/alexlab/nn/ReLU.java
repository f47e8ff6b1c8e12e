package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ReLU: y = max(0, x). AlexNet's choice over tanh (2012, section 3.1): it does not saturate, so
 * a deep network trains several times faster.
 */
public final class ReLU implements Layer {
    private final String name;
    private INDArray passed; // 1 where x > 0, else 0: all that backward needs

    public ReLU(String name) {
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
        passed = input.gt(0).castTo(input.dataType());
        return Transforms.relu(input, true); // true: a new array, the input stays as it was
    }

    /** dL/dx = dL/dy where x > 0, else 0. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (passed == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!gradOutput.equalShapes(passed))
            throw new ShapeException(name + " backward", java.util.Arrays.toString(passed.shape()), gradOutput.shape());
        return gradOutput.mul(passed);
    }

    // ---- GPU path: cuDNN activation forward/backward (the GPU issue fills this in) ------------

    @Override
    public String toString() {
        return "ReLU(" + name + ")";
    }
}
