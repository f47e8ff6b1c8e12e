package io.github.alexlab.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Uniform integer quantization, written out by hand: a real number x becomes an integer
 * <pre>
 *   q = clamp(round(x / scale) + zeroPoint, qmin, qmax)        and back:   x' = (q - zeroPoint) x scale
 * </pre>
 * Symmetric: zeroPoint 0 and q in [-(2^(b-1) - 1), 2^(b-1) - 1] (-127..127 for 8 bits; -128 is left
 * out so that the range is symmetric and -q never overflows), for weights, whose distribution is
 * centred on 0. Asymmetric: q in [0, 2^b - 1] with a zero point, so that a range like [0, 6] (after
 * ReLU) uses every level. Inside the clipping range the error is at most scale / 2; outside it, values
 * are clipped to the range's end.
 *
 * @param scale     the real value of one step
 * @param zeroPoint the integer that stands for real 0
 */
public record Quantizer(int bits, boolean symmetric, double scale, int zeroPoint) {
    public Quantizer {
        if (bits < 2 || bits > 8)
            throw new IllegalArgumentException("bit width must be 2..8, got " + bits);
        if (!(scale > 0) || Double.isInfinite(scale))
            throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        if (symmetric && zeroPoint != 0)
            throw new IllegalArgumentException("a symmetric quantizer has zero point 0, got " + zeroPoint);
    }

    /** Symmetric, clipping at +-{@code maxAbs}: scale = maxAbs / (2^(b-1) - 1). */
    public static Quantizer symmetric(int bits, double maxAbs) {
        if (!(maxAbs > 0) || Double.isInfinite(maxAbs))
            throw new IllegalArgumentException("the clipping threshold must be > 0, got " + maxAbs
                    + (maxAbs == 0 ? " (a tensor of zeros needs no quantizer)" : ""));
        return new Quantizer(bits, true, maxAbs / ((1 << (bits - 1)) - 1), 0);
    }

    /**
     * Asymmetric over [min, max] (widened to include 0, so that 0 is exact: padding and ReLU zeros
     * must stay 0): scale = (max - min) / (2^b - 1), zeroPoint = round(-min / scale).
     */
    public static Quantizer asymmetric(int bits, double min, double max) {
        if (!(max >= min) || Double.isInfinite(min) || Double.isInfinite(max))
            throw new IllegalArgumentException("the range must be finite with min <= max, got [" + min + ", " + max + "]");
        min = Math.min(min, 0);
        max = Math.max(max, 0);
        if (max == min)
            throw new IllegalArgumentException("the range [" + min + ", " + max + "] is empty (a tensor of zeros needs no quantizer)");
        double scale = (max - min) / ((1 << bits) - 1);
        return new Quantizer(bits, false, scale, (int) Math.rint(-min / scale));
    }

    public int qmin() {
        return symmetric ? -((1 << (bits - 1)) - 1) : 0;
    }

    public int qmax() {
        return symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /** The real values at the two ends of the range: what lies beyond is clipped. */
    public double low() {
        return (qmin() - zeroPoint) * scale;
    }

    public double high() {
        return (qmax() - zeroPoint) * scale;
    }

    /** round half to even, as the hardware's conversion instructions do */
    public int quantize(double x) {
        long q = (long) Math.rint(x / scale) + zeroPoint;
        return (int) Math.max(qmin(), Math.min(qmax(), q));
    }

    public double dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    /** Quantize then dequantize every element: the numbers the integer model computes with, as floats. */
    public INDArray fakeQuantize(INDArray x) {
        double[] v = x.castTo(DataType.DOUBLE).dup().data().asDouble();
        for (int i = 0; i < v.length; i++)
            v[i] = dequantize(quantize(v[i]));
        return Nd4j.create(v, x.shape(), 'c').castTo(x.dataType());
    }

    /** The integer codes of every element. */
    public int[] quantize(INDArray x) {
        double[] v = x.castTo(DataType.DOUBLE).dup().data().asDouble();
        int[] q = new int[v.length];
        for (int i = 0; i < v.length; i++)
            q[i] = quantize(v[i]);
        return q;
    }

    /** One symmetric quantizer per output channel (dimension 0) of a weight tensor, each from its own largest |w|. */
    public static Quantizer[] perChannel(int bits, INDArray weights) {
        int channels = (int) weights.size(0);
        Quantizer[] out = new Quantizer[channels];
        for (int c = 0; c < channels; c++) {
            double maxAbs = weights.slice(c).castTo(DataType.DOUBLE).amaxNumber().doubleValue();
            out[c] = symmetric(bits, maxAbs > 0 ? maxAbs : Double.MIN_NORMAL);
        }
        return out;
    }

    /** Each output channel of {@code weights} fake-quantized with its own quantizer. */
    public static INDArray fakeQuantizePerChannel(INDArray weights, Quantizer[] channels) {
        if (channels.length != weights.size(0))
            throw new IllegalArgumentException(channels.length + " quantizers for " + weights.size(0) + " channels");
        INDArray out = weights.dup();
        for (int c = 0; c < channels.length; c++)
            out.slice(c).assign(channels[c].fakeQuantize(weights.slice(c)));
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s INT%d: scale %.4g, zero point %d, codes %d..%d, range [%.4g, %.4g]",
                symmetric ? "symmetric" : "asymmetric", bits, scale, zeroPoint, qmin(), qmax(), low(), high());
    }
}
