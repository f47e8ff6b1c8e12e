package io.github.alexlab.nn;

import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.cudnn.cudnnLRNStruct;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Pow;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;
import java.util.List;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
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

    // Kept from forward for backward. The arrays are reused while the input shape stays the same:
    // fresh memory is slow to touch (a 37 MB array, norm1's at batch 32, costs more to allocate than
    // to compute), so every step below writes into one of these instead of a new array.
    private INDArray input;
    private INDArray denominator; // d = k + alpha * (windowed sum of squares)
    private INDArray scale;       // d^-beta, so that b = a * scale
    private INDArray work;        // forward: the squares a^2; backward: g a d^(-beta-1)
    private INDArray windowSum;   // the windowed sum over channels of work
    private GpuArray gpuInput, gpuY;
    private final GpuBuffer gpuOutput, gpuGradInput;

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
        this.gpuOutput = new GpuBuffer(name + " output");
        this.gpuGradInput = new GpuBuffer(name + " dL/dinput");
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
        reuseBuffers(input);
        input.mul(input, work);                                           // a^2, written into work
        sumOverChannelWindow(work, denominator);
        denominator.muli(alpha).addi(k);                                  // d = k + alpha * sum a^2
        Nd4j.exec(new Pow(denominator, scale, -beta));                    // d^-beta
        return input.mul(scale);                                          // b = a d^-beta
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
            throw new ShapeException(name + " backward", Arrays.toString(input.shape()), gradOutput.shape());
        gradOutput.mul(input, work).muli(scale).divi(denominator);         // g[i] a[i] d[i]^(-beta-1)
        sumOverChannelWindow(work, windowSum);
        windowSum.muli(input).muli(2 * alpha * beta);                      // the inhibition term
        return gradOutput.mul(scale).subi(windowSum);
    }

    private void reuseBuffers(INDArray like) {
        if (work != null && work.dataType() == like.dataType() && Arrays.equals(work.shape(), like.shape()))
            return;
        work = Nd4j.createUninitialized(like.dataType(), like.shape());
        windowSum = Nd4j.createUninitialized(like.dataType(), like.shape());
        denominator = Nd4j.createUninitialized(like.dataType(), like.shape());
        scale = Nd4j.createUninitialized(like.dataType(), like.shape());
    }

    /**
     * sum[:, i] = sum of v[:, j] over the channels j with |i - j| <= n/2 that exist (the paper's
     * max(0, ...) and min(C - 1, ...)). Built from shifted copies instead of a loop over pixels:
     * for each offset o, channel i receives channel i - o and channel i + o.
     * <p>
     * The whole batch lies in memory as one row: example 0's channel 0 (an H x W plane), its
     * channel 1, ..., then example 1's channel 0, ... So "shift by o channels" is "shift by o
     * planes" along that row, one fast addition of two contiguous pieces. At the seams between
     * examples the shift also pulls in o planes of the neighbouring example; those few planes
     * are taken out again right after.
     */
    private void sumOverChannelWindow(INDArray v, INDArray sum) {
        long examples = v.size(0), channels = v.size(1), plane = v.size(2) * v.size(3), total = v.length();
        INDArray from = v.reshape('c', new long[]{total}), to = sum.reshape('c', new long[]{total}); // views of the whole batch as one row
        to.assign(from);
        for (long o = 1; o <= size / 2 && o < channels; o++) {
            long shift = o * plane;
            to.get(interval(shift, total)).addi(from.get(interval(0, total - shift)));  // i gets i - o
            to.get(interval(0, total - shift)).addi(from.get(interval(shift, total)));  // i gets i + o
            if (examples > 1) {
                // Example e's first o channels got example e-1's last o; its last o got example e+1's first o.
                channelBlock(sum, 1, examples, 0, o).subi(channelBlock(v, 0, examples - 1, channels - o, channels));
                channelBlock(sum, 0, examples - 1, channels - o, channels).subi(channelBlock(v, 1, examples, 0, o));
            }
        }
    }

    /** Examples [e0, e1) and channels [c0, c1) of an [N, C, H, W] array, as a view. */
    private static INDArray channelBlock(INDArray a, long e0, long e1, long c0, long c1) {
        return a.get(interval(e0, e1), interval(c0, c1), all(), all());
    }

    // ---- GPU path: cuDNN's cross-channel LRN forward and backward ------------------------------

    /** Refuses the settings cuDNN's LRN cannot run, naming them. */
    private void requireCudnnSupports() {
        if (size > 16 || k < 1e-5 || beta < 0.01)
            throw new IllegalArgumentException(name + ": cuDNN's LRN needs n <= 16, k >= 1e-5 and beta >= 0.01; this block has n="
                    + size + ", k=" + k + ", beta=" + beta);
    }

    /** cuDNN divides its alpha by n (as PyTorch and Caffe do), so it gets the paper's alpha times n. */
    private cudnnLRNStruct lrnDescriptor(Cudnn.Descriptors d) {
        return d.lrn(size, alpha * size, beta, k);
    }

    @Override
    public GpuArray forward(GpuArray x) {
        GpuBlocks.requireUsable(name, x, List.of());
        outputShape(x.shape());
        GpuArray y = gpuOutput.like(x);
        requireCudnnSupports();
        try (var d = new Cudnn.Descriptors()) {
            var shape = d.tensor(x.shape());
            Cudnn.check(cudnn.cudnnLRNCrossChannelForward(GpuBlocks.cudnn(x), lrnDescriptor(d), cudnn.CUDNN_LRN_CROSS_CHANNEL_DIM1,
                    Cudnn.ONE, shape, x.pointer(), Cudnn.ZERO, shape, y.pointer()), name + ": cudnnLRNCrossChannelForward");
        }
        gpuInput = x;
        gpuY = y;
        return y;
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (gpuInput == null)
            throw new IllegalStateException(name + ": GPU backward before GPU forward");
        GpuBlocks.requireShape(name, gpuInput.shape(), gradOutput);
        GpuArray dx = gpuGradInput.like(gpuInput);
        requireCudnnSupports();
        try (var d = new Cudnn.Descriptors()) {
            var shape = d.tensor(gpuInput.shape());
            Cudnn.check(cudnn.cudnnLRNCrossChannelBackward(GpuBlocks.cudnn(gradOutput), lrnDescriptor(d),
                    cudnn.CUDNN_LRN_CROSS_CHANNEL_DIM1, Cudnn.ONE, shape, gpuY.pointer(), shape, gradOutput.pointer(),
                    shape, gpuInput.pointer(), Cudnn.ZERO, shape, dx.pointer()), name + ": cudnnLRNCrossChannelBackward");
        }
        return dx;
    }

    @Override
    public void forgetActivations() {
        input = denominator = scale = work = windowSum = null;
    }

    @Override
    public void freeGpuBuffers() {
        gpuOutput.free();
        gpuGradInput.free();
        gpuInput = gpuY = null;
    }

    @Override
    public String toString() {
        return "LocalResponseNorm(" + name + ": n=" + size + ", alpha=" + alpha + ", beta=" + beta + ", k=" + k + ")";
    }
}
