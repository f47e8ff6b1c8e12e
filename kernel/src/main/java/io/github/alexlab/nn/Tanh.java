package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

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

    public Tanh(String name) {
        this(name, 1, 1);
    }

    public Tanh(String name, double amplitude, double slope) {
        this.name = name;
        this.amplitude = amplitude;
        this.slope = slope;
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
            throw new ShapeException(name + " backward", java.util.Arrays.toString(t.shape()), gradOutput.shape());
        INDArray derivative = t.mul(t).rsubi(1).muli(amplitude * slope);
        return gradOutput.mul(derivative);
    }

    // ---- GPU path: cuDNN activation forward/backward (TANH), scaling around it (the GPU issue fills this in)

    @Override
    public String toString() {
        if (amplitude == 1 && slope == 1)
            return "Tanh(" + name + ")";
        return "Tanh(" + name + ": " + amplitude + " tanh(" + slope + " x))";
    }
}
