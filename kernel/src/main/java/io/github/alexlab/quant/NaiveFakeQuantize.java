package io.github.alexlab.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/**
 * Fake quantization and its straight-through estimator in plain loops, from the raw numbers (scale,
 * zero point, code range) rather than a {@link Quantizer}. {@link FakeQuantize} and {@link QuantizedLayer}
 * compute the same; the tests check them against these loops.
 * <pre>
 *   q     = clamp(round(x / scale) + zeroPoint, qmin, qmax)      (round half to even)
 *   Q(x)  = (q - zeroPoint) * scale
 *   dL/dx = dL/dQ(x)   where (qmin - zeroPoint) * scale <= x <= (qmax - zeroPoint) * scale,   else 0
 * </pre>
 * Weights are symmetric (zero point 0, codes -(2^(b-1) - 1) .. 2^(b-1) - 1), with one scale per output
 * channel: the channel's largest |w| / (2^(b-1) - 1).
 */
public final class NaiveFakeQuantize {
    private NaiveFakeQuantize() {
    }

    /** Q(x) for every entry, in x's shape and data type. */
    public static INDArray forward(INDArray x, double scale, int zeroPoint, int qmin, int qmax) {
        double[] v = values(x);
        for (int i = 0; i < v.length; i++) {
            long q = (long) Math.rint(v[i] / scale) + zeroPoint;
            q = Math.max(qmin, Math.min(qmax, q));
            v[i] = (q - zeroPoint) * scale;
        }
        return Nd4j.createFromArray(v).reshape(x.shape()).castTo(x.dataType());
    }

    /** dL/dx for dL/dQ(x) = gradOutput: passed through inside the clipping range, 0 outside. */
    public static INDArray backward(INDArray x, INDArray gradOutput, double scale, int zeroPoint, int qmin, int qmax) {
        if (!Arrays.equals(x.shape(), gradOutput.shape()))
            throw new IllegalArgumentException("dL/dy is " + Arrays.toString(gradOutput.shape())
                    + ", the input is " + Arrays.toString(x.shape()));
        double low = (qmin - zeroPoint) * scale, high = (qmax - zeroPoint) * scale;
        double[] v = values(x), g = values(gradOutput);
        for (int i = 0; i < v.length; i++)
            if (v[i] < low || v[i] > high)
                g[i] = 0;
        return Nd4j.createFromArray(g).reshape(x.shape()).castTo(gradOutput.dataType());
    }

    /**
     * Symmetric {@code bits}-bit fake quantization of a weight tensor, one scale per output channel:
     * dimension 0 of a convolution's weight [out, in, k, k], dimension 1 of a fully connected weight [in, out].
     */
    public static INDArray weightsPerChannel(INDArray weight, int bits, int channelAxis) {
        if (channelAxis != 0 && !(channelAxis == 1 && weight.rank() == 2))
            throw new IllegalArgumentException("output channels are dimension 0, or 1 of a matrix; got " + channelAxis
                    + " for " + Arrays.toString(weight.shape()));
        int channels = (int) weight.size(channelAxis), qmax = (1 << (bits - 1)) - 1;
        double[] w = values(weight), largest = new double[channels];
        for (int i = 0; i < w.length; i++)
            largest[channelOf(i, weight, channelAxis)] = Math.max(largest[channelOf(i, weight, channelAxis)], Math.abs(w[i]));
        for (int i = 0; i < w.length; i++) {
            double scale = Math.max(largest[channelOf(i, weight, channelAxis)], Double.MIN_NORMAL) / qmax;
            long q = Math.max(-qmax, Math.min(qmax, (long) Math.rint(w[i] / scale)));
            w[i] = q * scale;
        }
        return Nd4j.createFromArray(w).reshape(weight.shape()).castTo(weight.dataType());
    }

    /** The output channel of entry i (row-major) of a weight. */
    private static int channelOf(long i, INDArray weight, int channelAxis) {
        long channels = weight.size(channelAxis);
        return (int) (channelAxis == 0 ? i / (weight.length() / channels) : i % channels);
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
