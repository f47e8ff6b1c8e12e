package io.github.alexlab.quant;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the clipping threshold T of an activation from a histogram of its |x| over calibration
 * data; the quantizer then covers [-T, T] (or [0, T]) with 2^(b-1) - 1 levels a side. Too large a T
 * wastes levels on rare outliers (coarse steps for the many small values); too small a T clips
 * more. The four ways to choose:
 * <ul>
 *   <li>{@link #max()}: T = the largest |x| seen. Nothing is clipped; one outlier stretches every step.</li>
 *   <li>{@link #percentile(double)}: T = the p-th percentile of |x| (e.g. 99.99%): the rarest values are clipped.</li>
 *   <li>{@link #mse()}: T minimising the mean squared error of quantize-dequantize over the histogram ({@link MseCalibrator}).</li>
 *   <li>{@link #entropy()}: T minimising the KL divergence between the clipped distribution and its quantized
 *       version, as NVIDIA's TensorRT does ({@link EntropyCalibrator}).</li>
 * </ul>
 */
public interface Calibrator {
    /** The clipping threshold for a {@code bits}-bit symmetric quantizer, from a histogram of |x|. */
    double threshold(ActivationHistogram histogram, int bits);

    /** A short name for tables, e.g. "percentile 99.99%". */
    String name();

    static Calibrator max() {
        return new Max();
    }

    /** The smallest bin edge below which at least {@code percent}% of the values lie. */
    static Calibrator percentile(double percent) {
        return new Percentile(percent);
    }

    static Calibrator mse() {
        return new MseCalibrator();
    }

    static Calibrator entropy() {
        return new EntropyCalibrator();
    }

    /** The four, in the order of the notebook's table: max, percentile 99.99%, MSE, entropy. */
    static List<Calibrator> all() {
        return List.of(max(), percentile(99.99), mse(), entropy());
    }

    record Max() implements Calibrator {
        @Override
        public double threshold(ActivationHistogram histogram, int bits) {
            return histogram.maxAbs();
        }

        @Override
        public String name() {
            return "max";
        }
    }

    record Percentile(double percent) implements Calibrator {
        public Percentile {
            if (!(percent > 0 && percent <= 100))
                throw new IllegalArgumentException("a percentile is in (0, 100], got " + percent);
        }

        @Override
        public double threshold(ActivationHistogram histogram, int bits) {
            double wanted = histogram.total() * percent / 100;
            long below = 0;
            for (int i = 0; i < histogram.bins(); i++) {
                below += histogram.count(i);
                if (below >= wanted) // bin i's upper edge has enough below it; never beyond the largest value
                    return Math.min((i + 1) * histogram.binWidth(), histogram.maxAbs());
            }
            return histogram.maxAbs();
        }

        @Override
        public String name() {
            return String.format(Locale.ROOT, "percentile %s%%", new BigDecimal(Double.toString(percent)).stripTrailingZeros().toPlainString());
        }
    }
}
