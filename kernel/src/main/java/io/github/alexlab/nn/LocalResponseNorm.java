package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Local response normalisation across channels, exactly as in Krizhevsky, Sutskever and Hinton
 * 2012, section 3.3:
 * <pre>
 *   b[i] = a[i] / (k + alpha * sum_{j = max(0, i - n/2)}^{min(C - 1, i + n/2)} a[j]^2)^beta
 * </pre>
 * where i is a channel and the sum runs over the n channels around it, at the same pixel. A strong
 * response damps its neighbours' ("lateral inhibition"). AlexNet: n = 5, alpha = 1e-4, beta = 0.75,
 * k = 2, after the ReLUs of conv1 and conv2; the paper credits it with 1.2-1.4% of top-1/top-5 error.
 * <p>
 * Careful when comparing with other libraries: PyTorch's {@code LocalResponseNorm} (like Caffe and
 * oneDNN) divides alpha by n, so it matches this block with its alpha set to {@code alpha * n}.
 * Here alpha is the paper's, not divided.
 * <p>
 * Input [N, C, H, W]; the output has the same shape. No parameters.
 */
public final class LocalResponseNorm implements Layer {
    private final String name;
    private final int size;
    private final double alpha;
    private final double beta;
    private final double k;

    // Kept from forward for backward.
    private INDArray input;
    private INDArray denominator; // d = k + alpha * (windowed sum of squares)
    private INDArray scale;       // d^-beta, so that b = a * scale

    /** AlexNet's constants: n = 5, alpha = 1e-4, beta = 0.75, k = 2. */
    public LocalResponseNorm(String name) {
        this(name, 5, 1e-4, 0.75, 2);
    }

    public LocalResponseNorm(String name, int size, double alpha, double beta, double k) {
        // The window i - n/2 .. i + n/2 is centred on channel i: it holds n channels only for odd n.
        if (size < 1 || size % 2 == 0)
            throw new IllegalArgumentException(name + ": size must be odd and positive (a window centred on each channel), got " + size);
        if (k <= 0 || alpha < 0)
            throw new IllegalArgumentException(name + ": need k > 0 and alpha >= 0 (the denominator must stay positive)");
        this.name = name;
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    @Override
    public String name() {
        return name;
    }

    /** [N, C, H, W] in, the same shape out. */
    @Override
    public long[] outputShape(long[] inputShape) {
        ShapeException.require(name, "a batch of feature maps", inputShape, -1, -1, -1, -1);
        return inputShape.clone();
    }

    // ---- CPU path -----------------------------------------------------------------------------

    @Override
    public INDArray forward(INDArray input) {
        outputShape(input.shape());
        this.input = input;
        INDArray squares = input.mul(input);
        denominator = channelWindowSum(squares).muli(alpha).addi(k);
        scale = Transforms.pow(denominator, -beta, true);
        return input.mul(scale);
    }

    /**
     * With d[i] the denominator before the power and g = dL/db:
     * <pre>
     *   db[i]/da[j] = [i == j] d[i]^-beta  -  2 alpha beta a[i] a[j] d[i]^(-beta-1)   (j in the window of i)
     *   dL/da[j]    = g[j] d[j]^-beta  -  2 alpha beta a[j] * sum_{i: j in window(i)} g[i] a[i] d[i]^(-beta-1)
     * </pre>
     * "j is in the window of i" is the same as "i is in the window of j" (both say |i - j| <= n/2),
     * so the last sum is the same windowed sum over channels as in forward.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!gradOutput.equalShapes(input))
            throw new ShapeException(name + " backward", java.util.Arrays.toString(input.shape()), gradOutput.shape());
        INDArray t = gradOutput.mul(input).muli(scale).divi(denominator); // g[i] a[i] d[i]^(-beta-1)
        INDArray inhibition = channelWindowSum(t).muli(input).muli(2 * alpha * beta);
        return gradOutput.mul(scale).subi(inhibition);
    }

    /**
     * s[:, i] = sum of v[:, j] over the channels j with |i - j| <= n/2 that exist (the paper's
     * max(0, ...) and min(C - 1, ...)). Built from shifted views instead of a loop over pixels:
     * for each offset o, channel i receives channel i - o and channel i + o.
     * <p>
     * Per example, the channels lie one after the other in memory (all of channel 0's H x W plane,
     * then channel 1's, ...), so "shift by o channels" is "shift by o planes" of one contiguous
     * row: adding such rows is much faster than adding strided 4-D views.
     */
    private INDArray channelWindowSum(INDArray v) {
        long examples = v.size(0);
        long channels = v.size(1);
        long plane = v.size(2) * v.size(3);
        long all = channels * plane;
        INDArray rows = v.reshape('c', examples, all); // one row per example
        INDArray sum = rows.dup();
        for (long e = 0; e < examples; e++) {
            INDArray from = rows.getRow(e);
            INDArray to = sum.getRow(e);
            for (long o = 1; o <= size / 2 && o < channels; o++) {
                to.get(interval(o * plane, all)).addi(from.get(interval(0, all - o * plane)));  // i gets i - o
                to.get(interval(0, all - o * plane)).addi(from.get(interval(o * plane, all)));  // i gets i + o
            }
        }
        return sum.reshape('c', v.shape());
    }

    // ---- GPU path: cuDNN LRN cross-channel forward/backward; cuDNN divides its lrnAlpha by n,
    //      so it gets lrnAlpha = alpha * n (the GPU issue fills this in) ----------------------------

    @Override
    public String toString() {
        return "LocalResponseNorm(" + name + ": n=" + size + ", alpha=" + alpha + ", beta=" + beta + ", k=" + k + ")";
    }
}
