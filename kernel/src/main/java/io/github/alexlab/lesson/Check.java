package io.github.alexlab.lesson;

import io.github.alexlab.bench.Measure;
import io.github.alexlab.bench.Measurement;
import io.github.alexlab.nn.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The checks of a lesson's test cells. Each one records a {@link Verdict} and returns it (add a
 * hint with {@code .hint("...")}); none stops the cell, so a test lists every failure, not only the
 * first. A failure says what was expected, what came, and where.
 */
public final class Check {
    private Check() {}

    /** {@code x} has exactly this shape. */
    public static Verdict shape(INDArray x, long... expected) {
        String name = "shape " + Arrays.toString(expected);
        if (x == null)
            return fail(name, "got null instead of an array");
        boolean same = Arrays.equals(x.shape(), expected);
        return Verdicts.add(new Verdict(name, same, same ? "" : "got " + Arrays.toString(x.shape())));
    }

    /**
     * Every number of {@code actual} is within {@code tolerance} of {@code expected}'s: the error of a
     * number is |actual - expected| / max(1, |expected|), relative for large numbers and absolute for
     * small ones. A tolerance of 0 asks for the very same numbers.
     */
    public static Verdict close(INDArray actual, INDArray expected, double tolerance) {
        String name = tolerance == 0 ? "the expected numbers, exactly" : "the expected numbers, within " + tolerance;
        if (actual == null)
            return fail(name, "got null instead of an array");
        if (!Arrays.equals(actual.shape(), expected.shape()))
            return fail(name, "expected shape " + Arrays.toString(expected.shape()) + ", got " + Arrays.toString(actual.shape()));
        double[] a = numbers(actual), e = numbers(expected);
        int worst = -1, off = 0;
        double worstError = 0;
        for (int i = 0; i < a.length; i++) {
            double error = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            if (!(error <= tolerance)) { // NaN counts as off
                off++;
                if (worst < 0 || !(error <= worstError)) {
                    worst = i;
                    worstError = error;
                }
            }
        }
        if (worst < 0)
            return Verdicts.add(new Verdict(name, true, ""));
        return fail(name, String.format(Locale.ROOT, "%d of %d numbers off; the worst at %s: expected %s, got %s",
                off, a.length, Arrays.toString(Shape.ind2subC(actual.shape(), worst)), e[worst], a[worst]));
    }

    /** |actual - expected| / max(1, |expected|) <= tolerance. */
    public static Verdict close(double actual, double expected, double tolerance) {
        double error = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
        return Verdicts.add(new Verdict("value within " + tolerance + " of " + expected, error <= tolerance,
                error <= tolerance ? "" : "expected " + expected + ", got " + actual));
    }

    /** {@code actual} equals {@code expected} ({@link Objects#equals}). */
    public static Verdict equal(Object actual, Object expected) {
        boolean same = Objects.equals(actual, expected);
        return Verdicts.add(new Verdict("equals " + expected, same, same ? "" : "expected " + expected + ", got " + actual));
    }

    /** A condition the teacher names: {@code Check.that(loss < 0.5, "the loss falls below 0.5")}. */
    public static Verdict that(boolean condition, String what) {
        return Verdicts.add(new Verdict(what, condition, condition ? "" : "it does not hold"));
    }

    /**
     * An exact answer checked without showing it: {@code expectedSha256} is {@link #hash} of the right
     * answer, which the teacher computes once. Numbers are compared as written by {@link #canonical}.
     */
    public static Verdict hashed(Object answer, String expectedSha256) {
        boolean right = hash(answer).equals(expectedSha256.replaceFirst("^sha256:", ""));
        return Verdicts.add(new Verdict("the exact answer", right, right ? "" : "got " + canonical(answer) + ", which is not it"));
    }

    /** The SHA-256 (hex) of an answer as {@link #canonical} writes it. */
    public static String hash(Object answer) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical(answer).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** Whole numbers as integers (61706, whether int, long or 61706.0), other numbers with 6 significant digits. */
    static String canonical(Object answer) {
        if (answer instanceof Number n) {
            double v = n.doubleValue();
            if (v == Math.rint(v) && Math.abs(v) < 1e15)
                return Long.toString((long) v);
            return String.format(Locale.ROOT, "%.6g", v);
        }
        return String.valueOf(answer);
    }

    /**
     * The backward of a function matches its forward: for L = sum(forward(x) * r) with a fixed random
     * r, backward(x, r) must equal dL/dx by central differences in double precision (h = 1e-6),
     * with a relative error |a - n| / max(|a|, |n|, 1e-3) of at most 1e-6, at up to 200 positions of x
     * (the check of {@link io.github.alexlab.nn.FiniteDifferences}, which the blocks' own tests use).
     */
    public static Verdict gradient(UnaryOperator<INDArray> forward, BinaryOperator<INDArray> backward, INDArray x) {
        return GradientCheck.run("gradient", forward, backward, x);
    }

    /** {@link #gradient} for a layer: its backward (after a forward of x) against its forward. */
    public static Verdict layer(Layer layer, INDArray x) {
        return GradientCheck.run(layer.name() + " gradient", layer::forward, (input, gradOutput) -> {
            layer.forward(input);
            return layer.backward(gradOutput);
        }, x);
    }

    /**
     * {@code mine} runs at least {@code times} as fast as {@code baseline}, comparing the median
     * of several runs of each (after warm-up runs), measured one after the other on this machine.
     */
    public static Verdict faster(Runnable mine, Runnable baseline, double times) {
        Measurement yours = Measure.of("yours", mine).run(), theirs = Measure.of("baseline", baseline).run();
        double speedup = theirs.median() / yours.median();
        return Verdicts.add(new Verdict(String.format(Locale.ROOT, "at least %.1fx as fast", times), speedup >= times,
                String.format(Locale.ROOT, "yours %.3g ms, the baseline %.3g ms: %.2fx", yours.medianMillis(),
                        theirs.medianMillis(), speedup)));
    }

    static Verdict fail(String name, String message) {
        return Verdicts.add(new Verdict(name, false, message));
    }

    /** sum(a * b) in double precision. */
    /** The numbers of an array in row-major order, as doubles. */
    static double[] numbers(INDArray x) {
        return x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
