package io.github.alexlab.nn;

import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.List;

/**
 * Softmax cross-entropy, the loss AlexNet minimised ("maximises the multinomial logistic
 * regression objective", 2012 section 3.5): for each example,
 * <pre>
 *   loss = -log softmax(z)[label] = log(sum_j e^z[j]) - z[label]
 * </pre>
 * averaged over the batch. Softmax and the log are fused: log-sum-exp with the row maximum taken
 * out first, so even logits like 1000 give a finite loss. The gradient is then simply
 * (softmax(z) - onehot(label)) / N.
 * <p>
 * Labels are class indices ([N] or [N, 1], any numeric type, whole numbers 0..K-1) or one-hot
 * rows [N, K] (any rows that sum to 1 work, e.g. smoothed labels). Not a {@link Layer}: it takes
 * two inputs and returns a number.
 */
public final class CrossEntropyLoss {
    private INDArray probabilities; // softmax(z), kept for backward
    private INDArray targets;       // one-hot (or soft) labels, same shape
    private final GpuBuffer gpuTargets = new GpuBuffer("loss targets"), gpuGradient = new GpuBuffer("loss dL/dlogits"),
            gpuLogProbabilities = new GpuBuffer("loss log-probabilities");
    private GpuArray gpuSoftmax;     // softmax(z) after a GPU forward; backwardOnGpu turns it into the gradient
    private boolean gradientReady;

    // ---- CPU path -----------------------------------------------------------------------------

    /** The mean loss over the batch, for logits [N, K]. */
    public double forward(INDArray logits, INDArray labels) {
        if (logits.rank() != 2)
            throw new ShapeException("CrossEntropyLoss", "logits [N, K] (a batch of score vectors)", logits.shape());
        targets = oneHot(logits.shape(), logits.dataType(), labels);

        // log softmax(z) = z - (max + log sum_j e^(z[j] - max))
        INDArray max = logits.max(true, 1);
        INDArray shifted = logits.subColumnVector(max);
        INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        INDArray logProbabilities = shifted.subiColumnVector(logSumExp);
        probabilities = Transforms.exp(logProbabilities, true);

        long n = logits.size(0);
        return -logProbabilities.mul(targets).sumNumber().doubleValue() / n;
    }

    /** dLoss/dLogits of the last forward: (softmax - onehot) / N, shape [N, K]. */
    public INDArray backward() {
        if (probabilities == null)
            throw new IllegalStateException("CrossEntropyLoss: backward before forward");
        return probabilities.sub(targets).divi(probabilities.size(0));
    }

    /** The softmax probabilities of the last forward, [N, K]. */
    public INDArray probabilities() {
        return probabilities;
    }

    /** Labels as [N, K] rows in the logits' data type; checks the batch size and the class range. */
    private static INDArray oneHot(long[] logitsShape, DataType type, INDArray labels) {
        long n = logitsShape[0];
        long classes = logitsShape[1];
        long[] shape = labels.shape();
        if (shape.length == 0 || shape[0] != n)
            throw new IllegalArgumentException("CrossEntropyLoss: logits " + Arrays.toString(logitsShape)
                    + " and labels " + Arrays.toString(shape) + " disagree on the batch size");
        boolean indices = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
        boolean rows = shape.length == 2 && shape[1] == classes;
        if (rows && !indices) {
            INDArray sums = labels.castTo(type).sum(1);
            if (Transforms.abs(sums.subi(1), false).maxNumber().doubleValue() > 1e-3)
                throw new IllegalArgumentException("CrossEntropyLoss: one-hot labels " + Arrays.toString(shape)
                        + " have rows that do not sum to 1");
            return labels.castTo(type);
        }
        if (!indices)
            throw new IllegalArgumentException("CrossEntropyLoss: labels must be class indices [" + n + "] or ["
                    + n + ", 1], or one-hot rows [" + n + ", " + classes + "], for logits "
                    + Arrays.toString(logitsShape) + "; got " + Arrays.toString(shape));

        // A loop over the batch (tens of rows), clearer than a scatter op.
        INDArray target = Nd4j.zeros(type, n, classes);
        INDArray flat = labels.reshape(n);
        for (long i = 0; i < n; i++) {
            double label = flat.getDouble(i);
            if (label != Math.rint(label) || label < 0 || label >= classes)
                throw new IllegalArgumentException("CrossEntropyLoss: label " + label + " of example " + i
                        + " is not a class index 0.." + (classes - 1) + " (logits " + Arrays.toString(logitsShape) + ")");
            target.putScalar(i, (long) label, 1.0);
        }
        return target;
    }

    // ---- GPU path: cuDNN's log-softmax for the loss, its softmax for the gradient -------------
    // The labels come from the host (N numbers); the N x K log-probabilities go back to it, since the loss
    // is one number there and the trainer counts the correct predictions from them. Both copies are tiny.

    /** The mean loss over the batch, for logits [N, K] on a GPU (labels on the host, as above). */
    public double forward(GpuArray logits, INDArray labels) {
        long[] shape = logits.shape();
        if (shape.length != 2)
            throw new ShapeException("CrossEntropyLoss", "logits [N, K] (a batch of score vectors)", shape);
        GpuBlocks.requireUsable("CrossEntropyLoss", logits, List.of());
        targets = oneHot(shape, logits.dataType(), labels);
        GpuArray t = gpuTargets.like(logits).copyFrom(targets), logP = gpuLogProbabilities.like(logits), p = gpuGradient.like(logits);
        try (var d = new Cudnn.Descriptors()) {
            var rows = d.tensor(shape);
            var handle = GpuBlocks.cudnn(logits);
            Cudnn.check(cudnn.cudnnSoftmaxForward(handle, cudnn.CUDNN_SOFTMAX_LOG, cudnn.CUDNN_SOFTMAX_MODE_INSTANCE, Cudnn.ONE, rows,
                    logits.pointer(), Cudnn.ZERO, rows, logP.pointer()), "CrossEntropyLoss: log-softmax (cudnnSoftmaxForward LOG)");
            Cudnn.check(cudnn.cudnnSoftmaxForward(handle, cudnn.CUDNN_SOFTMAX_ACCURATE, cudnn.CUDNN_SOFTMAX_MODE_INSTANCE, Cudnn.ONE, rows,
                    logits.pointer(), Cudnn.ZERO, rows, p.pointer()), "CrossEntropyLoss: softmax (cudnnSoftmaxForward ACCURATE)");
        }
        gpuSoftmax = p;
        gradientReady = false;
        INDArray logProbabilities = logP.toHost();
        probabilities = Transforms.exp(logProbabilities, true);
        return -logProbabilities.mul(targets).sumNumber().doubleValue() / shape[0];
    }

    /** dLoss/dLogits of the last GPU forward, (softmax - onehot) / N, on the GPU (a buffer of this loss). */
    public GpuArray backwardOnGpu() {
        if (gpuSoftmax == null)
            throw new IllegalStateException("CrossEntropyLoss: GPU backward before GPU forward");
        if (!gradientReady) {
            long n = gpuSoftmax.shape()[0];
            try (var d = new Cudnn.Descriptors(); var minus = Cudnn.scalar(-1.0 / n); var plus = Cudnn.scalar(1.0 / n)) {
                var rows = d.tensor(gpuSoftmax.shape());
                // p = -t/N + p/N, in place over the softmax that forward left in this buffer
                Cudnn.check(cudnn.cudnnAddTensor(GpuBlocks.cudnn(gpuSoftmax), minus, rows, gpuTargets.like(gpuSoftmax).pointer(), plus, rows,
                        gpuSoftmax.pointer()), "CrossEntropyLoss: (softmax - onehot) / N (cudnnAddTensor)");
            }
            gradientReady = true;
        }
        return gpuSoftmax;
    }

    /** Frees the GPU buffers of the last GPU forward. */
    public void freeGpuBuffers() {
        gpuTargets.free();
        gpuGradient.free();
        gpuLogProbabilities.free();
        gpuSoftmax = null;
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss";
    }
}
