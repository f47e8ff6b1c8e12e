package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/**
 * The convolution as the formula reads, in plain loops: slow, but every step is visible.
 * {@link Conv2d} computes the same numbers fast; the tests check one against the other.
 * <pre>
 *   y[n, o, i, j] = bias[o] + sum over c, u, v of  weight[o, c, u, v] * x[n, c, i*stride + u - pad, j*stride + v - pad]
 * </pre>
 * where c runs over the input channels of o's group, and pixels outside the image (the padding) count as 0.
 * {@link #backward} is its backward pass in the same loops.
 */
public final class NaiveConvolution {
    private NaiveConvolution() {
    }

    /**
     * input [N, C, H, W], weight [O, C/groups, k, k], bias [O] or null; returns [N, O, oH, oW] in the input's
     * data type. Sums are taken in double precision.
     */
    public static INDArray forward(INDArray input, INDArray weight, INDArray bias, int stride, int padding, int groups) {
        int n = (int) input.size(0), channels = (int) input.size(1), height = (int) input.size(2), width = (int) input.size(3);
        int outChannels = (int) weight.size(0), groupChannels = (int) weight.size(1), k = (int) weight.size(2);
        if (groupChannels * groups != channels || outChannels % groups != 0)
            throw new IllegalArgumentException("weight " + Arrays.toString(weight.shape()) + " does not fit "
                    + channels + " input channels in " + groups + " groups");
        int outHeight = (height + 2 * padding - k) / stride + 1, outWidth = (width + 2 * padding - k) / stride + 1;
        int outPerGroup = outChannels / groups;

        double[] x = values(input), w = values(weight), b = bias == null ? new double[outChannels] : values(bias);
        double[] y = new double[n * outChannels * outHeight * outWidth];

        for (int img = 0; img < n; img++)
            for (int o = 0; o < outChannels; o++) {
                int group = o / outPerGroup;
                for (int i = 0; i < outHeight; i++)
                    for (int j = 0; j < outWidth; j++) {
                        double sum = b[o];
                        for (int gc = 0; gc < groupChannels; gc++) {
                            int c = group * groupChannels + gc; // the input channel this filter slice looks at
                            for (int u = 0; u < k; u++)
                                for (int v = 0; v < k; v++) {
                                    int row = i * stride + u - padding, col = j * stride + v - padding;
                                    if (row < 0 || row >= height || col < 0 || col >= width)
                                        continue; // zero padding adds nothing
                                    sum += w[((o * groupChannels + gc) * k + u) * k + v]
                                            * x[((img * channels + c) * height + row) * width + col];
                                }
                        }
                        y[((img * outChannels + o) * outHeight + i) * outWidth + j] = sum;
                    }
            }
        return Nd4j.createFromArray(y).reshape(n, outChannels, outHeight, outWidth).castTo(input.dataType());
    }

    /** dL/dInput [N, C, H, W], dL/dWeight [O, C/groups, k, k] and dL/dBias [O], in the input's data type. */
    public record Gradients(INDArray input, INDArray weight, INDArray bias) {
    }

    /**
     * The backward pass of {@link #forward}, in the same loops. Each product weight * pixel in the
     * forward sum hands dL/dy[n, o, i, j] back to both of its factors, and the bias gets it whole:
     * <pre>
     *   dx[n, c, row, col]  += weight[o, c, u, v] * dy[n, o, i, j]
     *   dweight[o, c, u, v] += x[n, c, row, col]  * dy[n, o, i, j]
     *   dbias[o]            += dy[n, o, i, j]
     * </pre>
     * with row = i*stride + u - pad and col = j*stride + v - pad inside the image (padding gets nothing).
     * gradOutput is dL/dy, shaped as forward's result. Sums are taken in double precision.
     */
    public static Gradients backward(INDArray input, INDArray weight, INDArray gradOutput, int stride, int padding, int groups) {
        int n = (int) input.size(0), channels = (int) input.size(1), height = (int) input.size(2), width = (int) input.size(3);
        int outChannels = (int) weight.size(0), groupChannels = (int) weight.size(1), k = (int) weight.size(2);
        int outHeight = (height + 2 * padding - k) / stride + 1, outWidth = (width + 2 * padding - k) / stride + 1;
        long[] expected = {n, outChannels, outHeight, outWidth};
        if (!Arrays.equals(gradOutput.shape(), expected))
            throw new IllegalArgumentException("dL/dy is " + Arrays.toString(gradOutput.shape())
                    + ", the convolution's output is " + Arrays.toString(expected));
        int outPerGroup = outChannels / groups;

        double[] x = values(input), w = values(weight), dy = values(gradOutput);
        double[] dx = new double[x.length], dw = new double[w.length], db = new double[outChannels];

        for (int img = 0; img < n; img++)
            for (int o = 0; o < outChannels; o++) {
                int group = o / outPerGroup;
                for (int i = 0; i < outHeight; i++)
                    for (int j = 0; j < outWidth; j++) {
                        double g = dy[((img * outChannels + o) * outHeight + i) * outWidth + j];
                        db[o] += g;
                        for (int gc = 0; gc < groupChannels; gc++) {
                            int c = group * groupChannels + gc;
                            for (int u = 0; u < k; u++)
                                for (int v = 0; v < k; v++) {
                                    int row = i * stride + u - padding, col = j * stride + v - padding;
                                    if (row < 0 || row >= height || col < 0 || col >= width)
                                        continue; // padding: no pixel to send a gradient to
                                    int wi = ((o * groupChannels + gc) * k + u) * k + v;
                                    int xi = ((img * channels + c) * height + row) * width + col;
                                    dx[xi] += w[wi] * g;
                                    dw[wi] += x[xi] * g;
                                }
                        }
                    }
            }
        DataType type = input.dataType();
        return new Gradients(Nd4j.createFromArray(dx).reshape(input.shape()).castTo(type),
                Nd4j.createFromArray(dw).reshape(weight.shape()).castTo(type),
                Nd4j.createFromArray(db).castTo(type));
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
