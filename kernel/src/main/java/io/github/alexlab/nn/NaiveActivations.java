package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * ReLU, the sigmoid and the scaled tanh, one number at a time, forward and backward: the formulas
 * of {@link ReLU}, {@link Sigmoid} and {@link Tanh} without ND4J's whole-array operations, for the
 * tests to check those against. Each backward is dL/dx = dL/dy * f'(x):
 * <pre>
 *   ReLU:     f(x) = max(0, x)              f'(x) = 1 if x > 0, else 0
 *   sigmoid:  f(x) = 1 / (1 + e^-x)         f'(x) = f(x) (1 - f(x))
 *   tanh:     f(x) = A tanh(S x)            f'(x) = A S (1 - tanh(S x)^2)
 * </pre>
 */
public final class NaiveActivations {
    private NaiveActivations() {
    }

    public static INDArray reluForward(INDArray x) {
        return map(x, v -> Math.max(0, v));
    }

    public static INDArray reluBackward(INDArray x, INDArray gradOutput) {
        return chain(x, gradOutput, v -> v > 0 ? 1 : 0);
    }

    public static INDArray sigmoidForward(INDArray x) {
        return map(x, NaiveActivations::sigmoid);
    }

    public static INDArray sigmoidBackward(INDArray x, INDArray gradOutput) {
        return chain(x, gradOutput, v -> sigmoid(v) * (1 - sigmoid(v)));
    }

    public static INDArray tanhForward(INDArray x, double amplitude, double slope) {
        return map(x, v -> amplitude * Math.tanh(slope * v));
    }

    public static INDArray tanhBackward(INDArray x, INDArray gradOutput, double amplitude, double slope) {
        return chain(x, gradOutput, v -> amplitude * slope * (1 - Math.tanh(slope * v) * Math.tanh(slope * v)));
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** f applied to each entry, in x's shape and data type. */
    private static INDArray map(INDArray x, DoubleUnaryOperator f) {
        double[] v = values(x);
        for (int i = 0; i < v.length; i++)
            v[i] = f.applyAsDouble(v[i]);
        return Nd4j.createFromArray(v).reshape(x.shape()).castTo(x.dataType());
    }

    /** dL/dx = dL/dy * f'(x), entry by entry. */
    private static INDArray chain(INDArray x, INDArray gradOutput, DoubleUnaryOperator derivative) {
        if (!x.equalShapes(gradOutput))
            throw new IllegalArgumentException("dL/dy is " + Arrays.toString(gradOutput.shape())
                    + ", x is " + Arrays.toString(x.shape()));
        double[] v = values(x), g = values(gradOutput);
        for (int i = 0; i < v.length; i++)
            v[i] = g[i] * derivative.applyAsDouble(v[i]);
        return Nd4j.createFromArray(v).reshape(x.shape()).castTo(x.dataType());
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
