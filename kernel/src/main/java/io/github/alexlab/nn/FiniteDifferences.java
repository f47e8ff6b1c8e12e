package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * The project's one gradient check: central differences, in double precision. Every block's JUnit
 * test and the lessons' {@code Check.gradient} compare a backward with it.
 * <p>
 * Each checked entry e of a tensor is nudged by +-h; (L(e+h) - L(e-h)) / 2h must match the analytic
 * gradient with relative error |a - n| / max(|a|, |n|, 1e-3) at most {@link #TOLERANCE}. The floor:
 * the finite difference itself carries rounding noise of about 1e-10, so an entry near zero is
 * compared absolutely, to 1e-9, instead of relatively (a relative error of two tiny numbers is noise).
 * Large tensors are checked on a seeded sample of entries.
 */
public final class FiniteDifferences {
    public static final double STEP = 1e-6, TOLERANCE = 1e-6, FLOOR = 1e-3;
    public static final int MOST_ENTRIES = 200;

    private FiniteDifferences() {
    }

    /** The worst checked entry: its flat (row-major) index, both gradients and their relative error. */
    public record Mismatch(long index, double analytic, double numeric, double relativeError) {
        public boolean withinTolerance() {
            return relativeError <= TOLERANCE;
        }
    }

    public static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), FLOOR);
    }

    /**
     * Nudges the entries of {@code tensor} (a DOUBLE array that {@code loss} reads; each is restored),
     * compares the central difference of {@code loss} with {@code analytic}, same shape, and returns
     * the worst entry. At most {@code mostEntries} entries, a seeded sample when there are more;
     * entries where {@code mask} (may be null) is 0 are skipped. Null when nothing was checked.
     */
    public static Mismatch worst(INDArray tensor, INDArray analytic, DoubleSupplier loss, int mostEntries, INDArray mask) {
        long n = tensor.length();
        INDArray flat = tensor.reshape(n); // a view of a c-ordered tensor: nudging it nudges tensor
        INDArray flatAnalytic = analytic.reshape(n);
        INDArray flatMask = mask == null ? null : mask.reshape(n);
        Random pick = new Random(7);
        Mismatch worst = null;
        for (int k = 0; k < Math.min(n, mostEntries); k++) {
            long i = n <= mostEntries ? k : (long) (pick.nextDouble() * n);
            if (flatMask != null && flatMask.getDouble(i) == 0)
                continue;
            double original = flat.getDouble(i);
            flat.putScalar(i, original + STEP);
            double up = loss.getAsDouble();
            flat.putScalar(i, original - STEP);
            double down = loss.getAsDouble();
            flat.putScalar(i, original);
            double numeric = (up - down) / (2 * STEP);
            double a = flatAnalytic.getDouble(i);
            double error = relativeError(a, numeric);
            if (worst == null || !(error <= worst.relativeError)) // NaN counts as worst
                worst = new Mismatch(i, a, numeric, error);
        }
        return worst;
    }
}
