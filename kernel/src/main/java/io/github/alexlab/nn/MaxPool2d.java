package io.github.alexlab.nn;

/**
 * Max pooling: each output is the largest input in its k x k window; windows start every {@code stride} pixels.
 * <pre>
 *   y[n, c, i, j] = max over u, v < k of  x[n, c, i*stride + u, j*stride + v]
 * </pre>
 * Backward: each window passes its dL/dy to the input that was its maximum; a pixel that won
 * several windows gets the sum (the tests check this for overlapping windows).
 * <p>
 * AlexNet (2012, section 3.4) pools with k = 3, stride 2: the windows overlap, which lowered its top-1
 * error by 0.4% against the plain k = 2, stride 2. Shape rule and native ops: {@link Pool2d}.
 */
public final class MaxPool2d extends Pool2d {
    public MaxPool2d(String name, int kernelSize, int stride) {
        super("MaxPool2d", name, kernelSize, stride, "maxpool2d", false);
    }
}
