package io.github.alexlab.lesson;

import io.github.alexlab.nn.FiniteDifferences;
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
 * The gradient check behind {@link Check#gradient}: the project's {@link FiniteDifferences} (the one
 * the blocks' own tests use) against the backward a student wrote. L = sum(forward(x) * r) for a
 * fixed random r, so dL/dy = r and backward(x, r) must be dL/dx.
 */
final class GradientCheck {
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
        double[] weights = Check.numbers(r); // read once: the loss is evaluated twice per checked entry
        FiniteDifferences.Mismatch worst = FiniteDifferences.worst(x, analytic.castTo(DataType.DOUBLE).dup('c'),
                () -> dot(Check.numbers(forward.apply(x.dup())), weights), FiniteDifferences.MOST_ENTRIES, null);
        boolean ok = worst == null || worst.withinTolerance();
        return Verdicts.add(new Verdict(name, ok, ok ? "" : String.format(Locale.ROOT,
                "relative error %.2g at %s: central differences give %.6g, your backward %.6g",
                worst.relativeError(), Arrays.toString(Shape.ind2subC(x.shape(), worst.index())),
                worst.numeric(), worst.analytic())));
    }

    private static double dot(double[] a, double[] b) {
        if (a.length != b.length)
            throw new IllegalArgumentException("forward's output changed size: " + a.length + " numbers, not " + b.length);
        double sum = 0;
        for (int i = 0; i < a.length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
