package io.github.alexlab.nn;

/**
 * Average pooling: each output is the mean of its k x k window; windows start every {@code stride} pixels.
 * <pre>
 *   y[n, c, i, j] = (1 / k^2) * sum over u, v < k of  x[n, c, i*stride + u, j*stride + v]
 * </pre>
 * Backward: each window spreads dL/dy evenly, 1/k^2 to each of its inputs; a pixel in several
 * windows gets the sum.
 * <p>
 * The fixed cousin of LeNet-5's trainable {@link Subsampling}; AlexNet uses {@link MaxPool2d}
 * instead. Shape rule and native ops: {@link Pool2d}.
 */
public final class AvgPool2d extends Pool2d {
    public AvgPool2d(String name, int kernelSize, int stride) {
        super("AvgPool2d", name, kernelSize, stride, "avgpool2d", true);
    }
}
