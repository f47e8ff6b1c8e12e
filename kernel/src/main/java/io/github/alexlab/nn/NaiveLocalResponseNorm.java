package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Local response normalisation (Krizhevsky et al. 2012, section 3.3) as the formula reads, in plain
 * loops, forward and backward: slow, but every step is visible. {@link LocalResponseNorm} computes
 * the same numbers with whole-array operations (and cuDNN on a GPU); the tests check one against
 * the other.
 * <pre>
 *   d[i] = k + alpha * sum over j in window(i) of a[j]^2        window(i): channels max(0, i - n/2) .. min(C - 1, i + n/2)
 *   b[i] = a[i] * d[i]^-beta
 * </pre>
 * at each pixel of each image. Backward by the chain rule, one pair of channels at a time: b[i]
 * depends on a[j] for every j in window(i),
 * <pre>
 *   db[i]/da[j] = [i == j] d[i]^-beta  -  2 alpha beta a[i] a[j] d[i]^(-beta-1)
 *   dL/da[j]    = sum over i with j in window(i) of  dL/db[i] * db[i]/da[j]
 * </pre>
 */
public final class NaiveLocalResponseNorm {
    private NaiveLocalResponseNorm() {
    }

    /** a [N, C, H, W] -> b, the same shape and data type; n odd, as {@link LocalResponseNorm} requires. */
    public static INDArray forward(INDArray a, int n, double alpha, double beta, double k) {
        double[] x = values(a), y = new double[x.length];
        Pixels p = new Pixels(a);
        for (int img = 0; img < p.images; img++)
            for (int pixel = 0; pixel < p.pixels; pixel++)
                for (int i = 0; i < p.channels; i++) {
                    double d = denominator(x, p, img, pixel, i, n, alpha, k);
                    y[p.at(img, i, pixel)] = x[p.at(img, i, pixel)] * Math.pow(d, -beta);
                }
        return Nd4j.createFromArray(y).reshape(a.shape()).castTo(a.dataType());
    }

    /** dL/da for dL/db = gradOutput (the shape of a), in a's data type. */
    public static INDArray backward(INDArray a, INDArray gradOutput, int n, double alpha, double beta, double k) {
        if (!Arrays.equals(a.shape(), gradOutput.shape()))
            throw new IllegalArgumentException("dL/db is " + Arrays.toString(gradOutput.shape())
                    + ", the input is " + Arrays.toString(a.shape()));
        double[] x = values(a), g = values(gradOutput), dx = new double[x.length];
        Pixels p = new Pixels(a);
        for (int img = 0; img < p.images; img++)
            for (int pixel = 0; pixel < p.pixels; pixel++)
                for (int i = 0; i < p.channels; i++) {
                    double d = denominator(x, p, img, pixel, i, n, alpha, k);
                    double ai = x[p.at(img, i, pixel)], gi = g[p.at(img, i, pixel)];
                    for (int j = Math.max(0, i - n / 2); j <= Math.min(p.channels - 1, i + n / 2); j++) {
                        double aj = x[p.at(img, j, pixel)];
                        double dbiDaj = (i == j ? Math.pow(d, -beta) : 0) - 2 * alpha * beta * ai * aj * Math.pow(d, -beta - 1);
                        dx[p.at(img, j, pixel)] += gi * dbiDaj;
                    }
                }
        return Nd4j.createFromArray(dx).reshape(a.shape()).castTo(a.dataType());
    }

    /** d[i] = k + alpha * (the sum of a[j]^2 over the window of channel i), at one pixel of one image. */
    private static double denominator(double[] x, Pixels p, int img, int pixel, int i, int n, double alpha, double k) {
        double sumOfSquares = 0;
        for (int j = Math.max(0, i - n / 2); j <= Math.min(p.channels - 1, i + n / 2); j++)
            sumOfSquares += x[p.at(img, j, pixel)] * x[p.at(img, j, pixel)];
        return k + alpha * sumOfSquares;
    }

    /** [N, C, H, W] seen as images x channels x pixels (H * W of them), and where one entry lies. */
    private record Pixels(int images, int channels, int pixels) {
        Pixels(INDArray a) {
            this((int) a.size(0), (int) a.size(1), (int) (a.size(2) * a.size(3)));
        }

        int at(int img, int channel, int pixel) {
            return (img * channels + channel) * pixels + pixel;
        }
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
