package io.github.alexlab.quant;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibratorTest {
    private static final double WIDTH = 0.01;

    /** A bulk over the first {@code filled} bins, falling linearly to half its height, plus a few far outliers in bin {@code outlierBin}. */
    private static ActivationHistogram rampWithOutliers(int filled, int outlierBin, long outliers) {
        long[] counts = new long[ActivationHistogram.DEFAULT_BINS];
        for (int i = 0; i < filled; i++)
            counts[i] = 2 * filled - i;
        counts[outlierBin] += outliers;
        return ActivationHistogram.of(counts, WIDTH);
    }

    @Test
    void entropyCalibratorClipsWhereTheBulkEnds() {
        // The known answer: the edge of bin 1024, where the bulk ends. Clipping earlier piles the rest of
        // the bulk into one bin; clipping between the bulk and the outliers puts them into a bin where Q
        // has nothing (infinite divergence); keeping the outliers spreads the 128 levels twice as thin
        // over the bulk, so that each level averages over a steeper part of the ramp.
        var h = rampWithOutliers(1024, 2000, 3);
        assertEquals(1024 * WIDTH, Calibrator.entropy().threshold(h, 8), 1e-12);
        // the same with the bulk ending at a bin that is not a multiple of 128
        assertEquals(700 * WIDTH, Calibrator.entropy().threshold(rampWithOutliers(700, 1900, 2), 8), 1e-12);
        // the max calibrator keeps the outliers instead
        assertEquals(2001 * WIDTH, Calibrator.max().threshold(h, 8), 1e-12);
    }

    @Test
    void entropyDivergenceIsZeroOnlyWhenNothingIsLost() {
        long[] counts = new long[256];
        for (int i = 0; i < 256; i++)
            counts[i] = 5;
        assertEquals(0, EntropyCalibrator.divergence(counts, 256, 128), 1e-12, "pairs of equal bins merge without loss");
        assertTrue(EntropyCalibrator.divergence(counts, 200, 128) > 0.01, "clipping 56 bins into one costs information");
        long[] empty = new long[256];
        empty[255] = 1;
        empty[0] = 10;
        assertEquals(Double.POSITIVE_INFINITY, EntropyCalibrator.divergence(empty, 200, 128), "outliers into a bin Q leaves empty");
    }

    @Test
    void entropyNeedsEnoughBins() {
        var small = ActivationHistogram.of(new long[]{1, 2, 3}, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> Calibrator.entropy().threshold(small, 8));
        assertTrue(e.getMessage().contains("128 bins"), e.getMessage());
    }

    @Test
    void percentileIsTheEdgeBelowWhichThatShareLies() {
        long[] counts = new long[100];
        counts[9] = 90;    // 90% of the values in bin 9: [0.9, 1.0)
        counts[49] = 9;    // 9% in bin 49
        counts[99] = 1;    // 1% in the last bin
        var h = ActivationHistogram.of(counts, 0.1);
        assertEquals(1.0, Calibrator.percentile(90).threshold(h, 8), 1e-12);
        assertEquals(5.0, Calibrator.percentile(99).threshold(h, 8), 1e-12);
        assertEquals(10.0, Calibrator.percentile(99.5).threshold(h, 8), 1e-12);
        assertEquals("percentile 99.99%", Calibrator.percentile(99.99).name());
        assertThrows(IllegalArgumentException.class, () -> Calibrator.percentile(0));
    }

    private static ActivationHistogram gaussian(int n, double outlier) {
        Random random = new Random(3);
        double[] values = new double[n];
        double max = outlier;
        for (int i = 0; i < n; i++)
            max = Math.max(max, Math.abs(values[i] = random.nextGaussian()));
        var h = new ActivationHistogram(ActivationHistogram.DEFAULT_BINS, max);
        for (double v : values)
            h.add(v);
        if (outlier > 0)
            h.add(outlier);
        return h;
    }

    @Test
    void mseMatchesTheKnownOptimalClippingOfAGaussian() {
        // Banner, Nahshan and Soudry (ACIQ, NeurIPS 2019) computed the MSE-optimal clipping of N(0, 1):
        // about 3.9 sigma at 8 bits and 2.55 sigma at 4 bits; from a histogram of a million samples we
        // get within 15% of it.
        var h = gaussian(1_000_000, 0);
        double t8 = Calibrator.mse().threshold(h, 8), t4 = Calibrator.mse().threshold(h, 4);
        assertEquals(3.92, t8, 0.15 * 3.92, "8 bits");
        assertEquals(2.55, t4, 0.15 * 2.55, "4 bits");
        // it is the best of the thresholds it tried
        double best = MseCalibrator.squaredError(h, Quantizer.symmetric(8, t8));
        for (double other : new double[]{t8 * 0.8, t8 * 1.2, h.maxAbs()})
            assertTrue(MseCalibrator.squaredError(h, Quantizer.symmetric(8, other)) >= best, "threshold " + other);
    }

    @Test
    void mseClipsARareOutlier() {
        // One value at 40 sigma: keeping it makes every step 40/127 wide; clipping it costs (40 - T)^2 once.
        // With a million values the balance is near T = 40 / (1 + 1e6 / (12 * 127^2)) = 6.5.
        var h = gaussian(1_000_000, 40);
        double t = Calibrator.mse().threshold(h, 8);
        assertTrue(t > 4 && t < 9, "expected about 6.5, got " + t);
        assertEquals(40, Calibrator.max().threshold(h, 8), 1e-12);
    }

    @Test
    void histogramCountsMagnitudesAndSaysWhatItSaw() {
        var h = new ActivationHistogram(4, 4.0).add(Nd4j.createFromArray(0f, 0.5f, -1.5f, 3.9f, 9f));
        assertEquals(5, h.total());
        assertEquals(1, h.zeros());
        assertEquals(1, h.overflows());
        assertEquals(2, h.count(0)); // 0 and 0.5
        assertEquals(1, h.count(1)); // |-1.5|
        assertEquals(2, h.count(3)); // 3.9 and 9 (above the range, in the last bin)
        assertEquals(9, h.maxAbs());
        assertTrue(!h.nonNegative());
        var nan = assertThrows(IllegalArgumentException.class, () -> h.add(Double.NaN));
        assertTrue(nan.getMessage().contains("NaN"));
        var zero = assertThrows(IllegalArgumentException.class, () -> new ActivationHistogram(2048, 0));
        assertTrue(zero.getMessage().contains("every value was 0"), zero.getMessage());
    }
}
