package io.github.alexlab.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;

/**
 * A histogram of |x| over [0, range], in equal bins (2048 by default, as TensorRT's calibrator):
 * what the activation calibrators choose a clipping threshold from. Symmetric quantization maps
 * [-T, T] onto the integers, so only the magnitude matters; the sign is remembered only to say
 * whether the values were all non-negative (after a ReLU they are).
 * <p>
 * The range must be known before counting (the calibration's first pass finds the largest |x|);
 * a value above it is counted in the last bin and {@link #overflows} says how many were.
 */
public final class ActivationHistogram {
    public static final int DEFAULT_BINS = 2048;

    private final long[] counts;
    private final double range;
    private final double binWidth;
    private double maxAbs;
    private long total, overflows, negatives, zeros;

    public ActivationHistogram(int bins, double range) {
        if (bins < 2)
            throw new IllegalArgumentException("a histogram needs at least 2 bins, got " + bins);
        if (!(range > 0) || Double.isInfinite(range))
            throw new IllegalArgumentException("the histogram's range must be a positive number, got " + range
                    + (range == 0 ? " (every value was 0: such a tensor needs no quantizer)" : ""));
        this.counts = new long[bins];
        this.range = range;
        this.binWidth = range / bins;
    }

    /** A histogram of these counts, bin i covering [i, i + 1) x binWidth: for tests and hand-made distributions. */
    public static ActivationHistogram of(long[] counts, double binWidth) {
        ActivationHistogram h = new ActivationHistogram(counts.length, binWidth * counts.length);
        System.arraycopy(counts, 0, h.counts, 0, counts.length);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0)
                throw new IllegalArgumentException("bin " + i + " has a negative count " + counts[i]);
            h.total += counts[i];
            if (counts[i] > 0)
                h.maxAbs = (i + 1) * binWidth;
        }
        return h;
    }

    /** Counts every element of {@code x}. */
    public ActivationHistogram add(INDArray x) {
        for (float v : x.castTo(DataType.FLOAT).dup('c').data().asFloat())
            add(v);
        return this;
    }

    public void add(double value) {
        if (Double.isNaN(value))
            throw new IllegalArgumentException("a NaN reached the histogram: the model's activations are not numbers");
        double a = Math.abs(value);
        if (value < 0)
            negatives++;
        if (value == 0)
            zeros++;
        maxAbs = Math.max(maxAbs, a);
        int bin = (int) (a / binWidth);
        if (bin >= counts.length) {
            if (a > range)
                overflows++;
            bin = counts.length - 1;
        }
        counts[bin]++;
        total++;
    }

    /** A copy of the counts. */
    public long[] counts() {
        return counts.clone();
    }

    public int bins() {
        return counts.length;
    }

    public long count(int bin) {
        return counts[bin];
    }

    public double binWidth() {
        return binWidth;
    }

    public double range() {
        return range;
    }

    /** The largest |x| counted. */
    public double maxAbs() {
        return maxAbs;
    }

    public long total() {
        return total;
    }

    /** Values exactly 0 (ReLU's zeros, padding): counted in bin 0, and exact in every quantizer. */
    public long zeros() {
        return zeros;
    }

    /** Values above the range, counted in the last bin. */
    public long overflows() {
        return overflows;
    }

    /** True when no negative value was counted (e.g. after a ReLU): then [0, T] is all there is to cover. */
    public boolean nonNegative() {
        return negatives == 0;
    }

    /** The centre of bin i: the value that stands for the bin's counts. */
    public double centre(int bin) {
        return (bin + 0.5) * binWidth;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "|x| histogram: %,d values in %d bins of %.3g, max |x| %.4g%s", total, counts.length,
                binWidth, maxAbs, nonNegative() ? ", all >= 0" : "") + (overflows > 0 ? ", " + overflows + " above the range" : "");
    }

}
