package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/**
 * Flatten in plain loops, forward and backward: every number is copied by its index. {@link Flatten}
 * does the same with one reshape (no copy when the input is contiguous); the tests check one against the other.
 * <pre>
 *   y[n, (c * H + h) * W + w] = x[n, c, h, w]          (row-major: all of channel 0, then channel 1, ...)
 *   dx[n, c, h, w]           = dy[n, (c * H + h) * W + w]
 * </pre>
 * Each output is one input, so the gradient goes back unchanged, only into the input's shape.
 */
public final class NaiveFlatten {
    private NaiveFlatten() {
    }

    /** x [N, C, H, W] -> y [N, C*H*W], in x's data type. */
    public static INDArray forward(INDArray x) {
        require4d(x, "x");
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        double[] y = new double[n * c * h * w];
        for (int e = 0; e < n; e++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        y[e * c * h * w + (ch * h + i) * w + j] = x.getDouble(e, ch, i, j);
        return Nd4j.createFromArray(y).reshape(n, (long) c * h * w).castTo(x.dataType());
    }

    /** dL/dx [N, C, H, W] for dL/dy = gradOutput [N, C*H*W], in gradOutput's data type. */
    public static INDArray backward(long[] inputShape, INDArray gradOutput) {
        if (inputShape.length != 4)
            throw new IllegalArgumentException("the input shape must be [N, C, H, W], got " + Arrays.toString(inputShape));
        int n = (int) inputShape[0], c = (int) inputShape[1], h = (int) inputShape[2], w = (int) inputShape[3];
        if (gradOutput.rank() != 2 || gradOutput.size(0) != n || gradOutput.size(1) != (long) c * h * w)
            throw new IllegalArgumentException("dL/dy is " + Arrays.toString(gradOutput.shape())
                    + ", the flattened output is [" + n + ", " + (long) c * h * w + "]");
        double[] dx = new double[n * c * h * w];
        for (int e = 0; e < n; e++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        dx[((e * c + ch) * h + i) * w + j] = gradOutput.getDouble(e, (ch * h + i) * w + j);
        return Nd4j.createFromArray(dx).reshape(n, c, h, w).castTo(gradOutput.dataType());
    }

    private static void require4d(INDArray a, String what) {
        if (a.rank() != 4)
            throw new IllegalArgumentException(what + " must be [N, C, H, W], got " + Arrays.toString(a.shape()));
    }
}
