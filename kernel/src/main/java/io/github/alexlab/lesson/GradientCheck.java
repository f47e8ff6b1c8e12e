package io.github.alexlab.lesson;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The gradient check behind {@link Check#gradient}: central differences, in double precision,
 * against the backward a student wrote. L = sum(forward(x) * r) for a fixed random r, so dL/dy = r
 * and backward(x, r) must be dL/dx.
 */
final class GradientCheck {
    static final double STEP = 1e-6, TOLERANCE = 1e-6;
    static final int MOST_POSITIONS = 200;

    private GradientCheck() {}

    static Verdict run(String name, UnaryOperator<INDArray> forward, BinaryOperator<INDArray> backward, INDArray input) {
        INDArray x = input.castTo(DataType.DOUBLE).dup('c');
        INDArray y = forward.apply(x.dup());
        if (y == null)
            return Check.fail(name, "forward returned null");
        Random random = new Random(42);
        INDArray r = Nd4j.create(DataType.DOUBLE, y.shape());
        for (long i = 0; i < r.length(); i++)
            r.putScalar(i, random.nextGaussian());
        INDArray analytic = backward.apply(x.dup(), r.dup());
        if (analytic == null || !Arrays.equals(analytic.shape(), x.shape()))
            return Check.fail(name, "backward should return dL/dx of shape " + Arrays.toString(x.shape()) + ", got "
                    + (analytic == null ? "null" : Arrays.toString(analytic.shape())));
        double[] a = Check.numbers(analytic);
        long n = x.length();
        long[] positions = n <= MOST_POSITIONS ? range(n) : random.longs(MOST_POSITIONS, 0, n).toArray();
        double worst = 0;
        long worstAt = -1;
        double worstNumeric = 0;
        for (long i : positions) {
            double numeric = (loss(forward, x, r, i, STEP) - loss(forward, x, r, i, -STEP)) / (2 * STEP);
            double error = Math.abs(numeric - a[(int) i]) / Math.max(1e-8, Math.abs(numeric) + Math.abs(a[(int) i]));
            if (!(error <= worst)) {
                worst = error;
                worstAt = i;
                worstNumeric = numeric;
            }
        }
        boolean ok = worst <= TOLERANCE;
        return Verdicts.add(new Verdict(name, ok, ok ? "" : String.format(Locale.ROOT,
                "relative error %.2g at %s: central differences give %.6g, your backward %.6g", worst,
                Arrays.toString(Shape.ind2subC(x.shape(), worstAt)), worstNumeric, a[(int) worstAt])));
    }

    private static double loss(UnaryOperator<INDArray> forward, INDArray x, INDArray r, long i, double step) {
        INDArray moved = x.dup();
        moved.putScalar(i, x.getDouble(i) + step);
        return Check.numbersDot(forward.apply(moved), r);
    }

    private static long[] range(long n) {
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++)
            out[i] = i;
        return out;
    }
}
