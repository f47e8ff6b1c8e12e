package io.github.alexlab.quant;

/**
 * The entropy (KL-divergence) calibrator of NVIDIA's TensorRT (Migacz, "8-bit Inference with
 * TensorRT", GTC 2017): choose the threshold whose quantized distribution loses the least
 * information against the original.
 * <pre>
 *   for every candidate i = L .. bins (clip at the edge of bin i):
 *     P = the first i bins, with everything beyond them (the clipped outliers) added to bin i - 1
 *     Q = the first i bins merged into L levels (L = 2^(b-1), 128 for INT8), each level's count spread
 *         evenly again over the bins of it that P has values in
 *     divergence(i) = KL(P || Q) = sum of p log(p / q), with P and Q each normalised to 1
 *   T = i* x bin width, for the i* with the smallest divergence
 * </pre>
 * Clipping too early piles the outliers into P's last bin, which Q cannot hold with its coarse
 * levels; clipping too late leaves too few levels for where most values are. A candidate whose P
 * puts outliers into a bin that Q has nothing in has infinite divergence and is never chosen.
 * <p>
 * Two departures from TensorRT, both on purpose. Exact zeros are left out of P and Q: after a ReLU
 * half of the values are 0, and counted in bin 0 that spike dominates the divergence (Q smears it over
 * its level's bins), which pushes the threshold far too low, although 0 is exact in every quantizer
 * (on LeNet-5 keeping them cost 7 points of accuracy at INT8). And the threshold is the edge of the
 * last kept bin, where TensorRT reports (i* + 0.5) bin widths.
 */
public record EntropyCalibrator() implements Calibrator {
    @Override
    public double threshold(ActivationHistogram h, int bits) {
        int levels = 1 << (bits - 1);
        if (h.bins() < levels)
            throw new IllegalArgumentException("the entropy calibrator needs at least " + levels + " bins for " + bits
                    + " bits, the histogram has " + h.bins());
        long[] counts = h.counts();
        counts[0] -= h.zeros(); // exact zeros (ReLU's) stay exact in any quantizer: they are no information to lose
        int best = counts.length;
        double bestDivergence = Double.POSITIVE_INFINITY;
        for (int i = levels; i <= counts.length; i++) {
            double d = divergence(counts, i, levels);
            if (d < bestDivergence) {
                bestDivergence = d;
                best = i;
            }
        }
        return best * h.binWidth();
    }

    /** KL(P || Q) for clipping after the first {@code kept} bins and quantizing them into {@code levels} levels. */
    static double divergence(long[] counts, int kept, int levels) {
        double[] p = new double[kept];
        for (int j = 0; j < kept; j++)
            p[j] = counts[j];
        for (int j = kept; j < counts.length; j++)
            p[kept - 1] += counts[j]; // the outliers, clipped to the threshold

        double[] q = new double[kept];
        for (int level = 0; level < levels; level++) {
            int from = (int) ((long) level * kept / levels), to = (int) ((long) (level + 1) * kept / levels);
            double sum = 0;
            int used = 0;
            for (int j = from; j < to; j++) {
                sum += counts[j];
                if (p[j] > 0)
                    used++;
            }
            for (int j = from; j < to; j++)
                q[j] = p[j] > 0 ? sum / used : 0;
        }
        return klDivergence(p, q);
    }

    /** sum of p log(p/q) over the normalised distributions; infinite where q is 0 and p is not. */
    static double klDivergence(double[] p, double[] q) {
        double pTotal = 0, qTotal = 0;
        for (int j = 0; j < p.length; j++) {
            pTotal += p[j];
            qTotal += q[j];
        }
        if (pTotal == 0 || qTotal == 0)
            return Double.POSITIVE_INFINITY;
        double kl = 0;
        for (int j = 0; j < p.length; j++) {
            if (p[j] == 0)
                continue;
            if (q[j] == 0)
                return Double.POSITIVE_INFINITY;
            double pj = p[j] / pTotal, qj = q[j] / qTotal;
            kl += pj * Math.log(pj / qj);
        }
        return kl;
    }

    @Override
    public String name() {
        return "entropy (KL)";
    }
}
