package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LeNet-5's trainable subsampling as the formula reads, in plain loops, forward and backward:
 * {@link Subsampling} computes the same with whole-array operations, for the tests to check.
 * <pre>
 *   s[n, c, i, j] = x[n, c, 2i, 2j] + x[n, c, 2i, 2j+1] + x[n, c, 2i+1, 2j] + x[n, c, 2i+1, 2j+1]
 *   y[n, c, i, j] = coefficient[c] * s[n, c, i, j] + bias[c]
 *   dx (each of the four pixels of block i, j) = coefficient[c] * dy[n, c, i, j]
 *   dcoefficient[c] = sum over n, i, j of s[n, c, i, j] * dy[n, c, i, j]
 *   dbias[c]        = sum over n, i, j of dy[n, c, i, j]
 * </pre>
 * An odd last row or column is in no block: it gets no gradient.
 */
public final class NaiveSubsampling {
    private NaiveSubsampling() {
    }

    /** x [N, C, H, W] -> [N, C, H / 2, W / 2], in x's data type. */
    public static INDArray forward(INDArray x, INDArray coefficient, INDArray bias) {
        int n = (int) x.size(0), channels = (int) x.size(1), height = (int) x.size(2), width = (int) x.size(3);
        int outHeight = height / 2, outWidth = width / 2;
        double[] xs = values(x), a = values(coefficient), b = values(bias), y = new double[n * channels * outHeight * outWidth];
        for (int img = 0; img < n; img++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < outHeight; i++)
                    for (int j = 0; j < outWidth; j++)
                        y[((img * channels + c) * outHeight + i) * outWidth + j] =
                                a[c] * blockSum(xs, img, c, i, j, channels, height, width) + b[c];
        return Nd4j.createFromArray(y).reshape(n, channels, outHeight, outWidth).castTo(x.dataType());
    }

    /** dL/dx [N, C, H, W], dL/dcoefficient [C] and dL/dbias [C], in x's data type. */
    public record Gradients(INDArray input, INDArray coefficient, INDArray bias) {
    }

    public static Gradients backward(INDArray x, INDArray coefficient, INDArray gradOutput) {
        int n = (int) x.size(0), channels = (int) x.size(1), height = (int) x.size(2), width = (int) x.size(3);
        int outHeight = height / 2, outWidth = width / 2;
        double[] xs = values(x), a = values(coefficient), g = values(gradOutput);
        double[] dx = new double[xs.length], da = new double[channels], db = new double[channels];
        for (int img = 0; img < n; img++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < outHeight; i++)
                    for (int j = 0; j < outWidth; j++) {
                        double dy = g[((img * channels + c) * outHeight + i) * outWidth + j];
                        da[c] += blockSum(xs, img, c, i, j, channels, height, width) * dy;
                        db[c] += dy;
                        for (int u = 0; u < 2; u++)
                            for (int v = 0; v < 2; v++)
                                dx[((img * channels + c) * height + 2 * i + u) * width + 2 * j + v] += a[c] * dy;
                    }
        DataType type = x.dataType();
        return new Gradients(Nd4j.createFromArray(dx).reshape(x.shape()).castTo(type),
                Nd4j.createFromArray(da).castTo(type), Nd4j.createFromArray(db).castTo(type));
    }

    /** The sum of the 2 x 2 block (i, j) of channel c of image img. */
    private static double blockSum(double[] xs, int img, int c, int i, int j, int channels, int height, int width) {
        double sum = 0;
        for (int u = 0; u < 2; u++)
            for (int v = 0; v < 2; v++)
                sum += xs[((img * channels + c) * height + 2 * i + u) * width + 2 * j + v];
        return sum;
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
