package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Max and average pooling as the formulas read, in plain loops, forward and backward: slow, but every
 * step is visible. {@link MaxPool2d} and {@link AvgPool2d} compute the same numbers with libnd4j's
 * native ops (and cuDNN on a GPU); the tests check one against the other.
 * <pre>
 *   max:      y[n, c, i, j] = max  over u, v < k of  x[n, c, i*stride + u, j*stride + v]
 *   average:  y[n, c, i, j] = mean over u, v < k of  x[n, c, i*stride + u, j*stride + v]
 * </pre>
 * Backward: a max window hands its dL/dy to the pixel that was its maximum (the first one, reading
 * row by row, if several are equal); an average window hands dL/dy / k^2 to each of its k^2 pixels.
 * Overlapping windows add up at the pixels they share.
 */
public final class NaivePooling {
    private NaivePooling() {
    }

    /** Which pooling. */
    public enum Kind { MAX, AVERAGE }

    /** x [N, C, H, W] -> [N, C, (H - k) / stride + 1, (W - k) / stride + 1] in x's data type. */
    public static INDArray forward(INDArray x, int k, int stride, Kind kind) {
        Windows w = new Windows(x, k, stride);
        double[] in = values(x), out = new double[w.n * w.channels * w.outHeight * w.outWidth];
        for (int plane = 0; plane < w.n * w.channels; plane++) // one image's one channel
            for (int i = 0; i < w.outHeight; i++)
                for (int j = 0; j < w.outWidth; j++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++) {
                            double pixel = in[w.input(plane, i * stride + u, j * stride + v)];
                            max = Math.max(max, pixel);
                            sum += pixel;
                        }
                    out[w.output(plane, i, j)] = kind == Kind.MAX ? max : sum / (k * k);
                }
        return Nd4j.createFromArray(out).reshape(w.n, w.channels, w.outHeight, w.outWidth).castTo(x.dataType());
    }

    /** dL/dx for dL/dy = gradOutput (shaped as forward's result), in x's data type. */
    public static INDArray backward(INDArray x, INDArray gradOutput, int k, int stride, Kind kind) {
        Windows w = new Windows(x, k, stride);
        long[] expected = {w.n, w.channels, w.outHeight, w.outWidth};
        if (!Arrays.equals(gradOutput.shape(), expected))
            throw new IllegalArgumentException("dL/dy is " + Arrays.toString(gradOutput.shape())
                    + ", the pooling's output is " + Arrays.toString(expected));
        double[] in = values(x), dy = values(gradOutput), dx = new double[in.length];
        for (int plane = 0; plane < w.n * w.channels; plane++)
            for (int i = 0; i < w.outHeight; i++)
                for (int j = 0; j < w.outWidth; j++) {
                    double g = dy[w.output(plane, i, j)];
                    if (kind == Kind.AVERAGE) {
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++)
                                dx[w.input(plane, i * stride + u, j * stride + v)] += g / (k * k);
                        continue;
                    }
                    int winner = w.input(plane, i * stride, j * stride); // the window's first pixel, then any larger one
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++) {
                            int at = w.input(plane, i * stride + u, j * stride + v);
                            if (in[at] > in[winner])
                                winner = at;
                        }
                    dx[winner] += g;
                }
        return Nd4j.createFromArray(dx).reshape(x.shape()).castTo(x.dataType());
    }

    /** The shapes, and where a pixel of a plane (one image's one channel) lies in the flat arrays. */
    private record Windows(int n, int channels, int height, int width, int outHeight, int outWidth) {
        Windows(INDArray x, int k, int stride) {
            this((int) x.size(0), (int) x.size(1), (int) x.size(2), (int) x.size(3),
                    ((int) x.size(2) - k) / stride + 1, ((int) x.size(3) - k) / stride + 1);
        }

        int input(int plane, int row, int col) {
            return (plane * height + row) * width + col;
        }

        int output(int plane, int i, int j) {
            return (plane * outHeight + i) * outWidth + j;
        }
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
