package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout in plain loops, forward and backward, given which units the random draw kept
 * ({@link Dropout} draws them; this reference takes them as they are, so the tests can compare):
 * <pre>
 *   y[i]  = x[i] / (1 - p)   where unit i was kept, else 0
 *   dx[i] = dy[i] / (1 - p)  where unit i was kept, else 0
 * </pre>
 * A dropped unit took no part in the output, so it gets no gradient.
 */
public final class NaiveDropout {
    private NaiveDropout() {
    }

    /** kept[i] for the i-th entry in row-major order; the result has x's shape and data type. */
    public static INDArray forward(INDArray x, boolean[] kept, double p) {
        return keepAndScale(x, kept, p);
    }

    /** dL/dx for dL/dy = gradOutput, with the same kept units as the forward. */
    public static INDArray backward(INDArray gradOutput, boolean[] kept, double p) {
        return keepAndScale(gradOutput, kept, p);
    }

    private static INDArray keepAndScale(INDArray a, boolean[] kept, double p) {
        if (kept.length != a.length())
            throw new IllegalArgumentException(kept.length + " keep decisions for " + a.length() + " entries");
        double[] v = a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
        for (int i = 0; i < v.length; i++)
            v[i] = kept[i] ? v[i] / (1 - p) : 0;
        return Nd4j.createFromArray(v).reshape(a.shape()).castTo(a.dataType());
    }
}
