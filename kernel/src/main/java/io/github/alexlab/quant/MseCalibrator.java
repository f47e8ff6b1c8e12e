package io.github.alexlab.quant;

/**
 * The clipping threshold with the smallest mean squared error of quantize-then-dequantize, over the
 * calibration values as their histogram holds them:
 * <pre>
 *   T* = argmin over T of  sum over bins i of  count_i x (x_i - Q_T(x_i))^2      x_i = the centre of bin i
 * </pre>
 * Q_T is the symmetric b-bit quantizer clipping at T. A smaller T makes every step finer (less
 * rounding error for the many small values) but clips the large ones to T (error x - T each): MSE
 * finds the balance. Exact zeros (ReLU's) are left out, because every quantizer keeps 0 exact. The
 * candidates are the bin edges from 1/16 of the range up.
 */
public record MseCalibrator() implements Calibrator {
    @Override
    public double threshold(ActivationHistogram h, int bits) {
        double best = h.maxAbs(), bestError = Double.POSITIVE_INFINITY;
        int first = Math.max(1, h.bins() / 16);
        for (int edge = first; edge <= h.bins(); edge++) {
            double t = edge * h.binWidth();
            if (t > h.maxAbs() + h.binWidth()) // edges past the largest value only coarsen the steps
                break;
            double error = squaredError(h, Quantizer.symmetric(bits, t));
            if (error < bestError) {
                bestError = error;
                best = t;
            }
        }
        return best;
    }

    /** The summed squared error of quantizing every counted value (its bin's centre) with {@code q}. */
    static double squaredError(ActivationHistogram h, Quantizer q) {
        double sum = 0;
        for (int i = 0; i < h.bins(); i++) {
            long count = i == 0 ? h.count(0) - h.zeros() : h.count(i);
            if (count == 0)
                continue;
            double x = h.centre(i), e = x - q.dequantize(q.quantize(x));
            sum += count * e * e;
        }
        return sum;
    }

    @Override
    public String name() {
        return "MSE";
    }
}
