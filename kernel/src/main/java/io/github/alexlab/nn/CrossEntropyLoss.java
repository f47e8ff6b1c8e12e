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
    private INDArray targets;       // one-hot (or soft) labels, same shape, for the GPU path
    private double[] targetRows;    // the same rows for the CPU path
    private final GpuBuffer gpuTargets = new GpuBuffer("loss targets"), gpuGradient = new GpuBuffer("loss dL/dlogits"),
            gpuLogProbabilities = new GpuBuffer("loss log-probabilities");
    private GpuArray gpuSoftmax;     // softmax(z) after a GPU forward; backwardOnGpu turns it into the gradient
    private boolean gradientReady;

    // ---- CPU path -----------------------------------------------------------------------------

    /**
     * The mean loss over the batch, for logits [N, K]. A loop over the N x K numbers: a batch's scores
     * are a few thousand numbers, for which a dozen ND4J calls (max, subtract, exp, sum, log, ...) cost
     * more than the arithmetic.
     */
    public double forward(INDArray logits, INDArray labels) {
        if (logits.rank() != 2)
            throw new ShapeException("CrossEntropyLoss", "logits [N, K] (a batch of score vectors)", logits.shape());
        long[] shape = logits.shape();
        int n = (int) shape[0], k = (int) shape[1];
        double[] z = logits.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] t = targetRows(shape, labels);
        double[] p = new double[n * k];
        double total = 0;
        for (int i = 0; i < n; i++) {
            int row = i * k;
            // log softmax(z) = z - (max + log sum_j e^(z[j] - max))
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++)
                max = Math.max(max, z[row + j]);
            double sum = 0;
            for (int j = 0; j < k; j++)
                sum += Math.exp(z[row + j] - max);
            double logSumExp = max + Math.log(sum);
            for (int j = 0; j < k; j++) {
                double logProbability = z[row + j] - logSumExp;
                p[row + j] = Math.exp(logProbability);
                if (t[row + j] != 0) // a class with no weight adds nothing, even where its score is -infinity
                    total -= t[row + j] * logProbability;
            }
        }
        probabilities = Nd4j.create(p, shape, 'c').castTo(logits.dataType());
        targetRows = t;
        targets = null;
        return total / n;
    }

    /** dLoss/dLogits of the last forward: (softmax - onehot) / N, shape [N, K]. */
    public INDArray backward() {
        if (probabilities == null || targetRows == null)
            throw new IllegalStateException("CrossEntropyLoss: backward before forward");
        long[] shape = probabilities.shape();
        double[] p = probabilities.castTo(DataType.DOUBLE).data().asDouble(), gradient = new double[p.length];
        for (int i = 0; i < p.length; i++)
            gradient[i] = (p[i] - targetRows[i]) / shape[0];
        return Nd4j.create(gradient, shape, 'c').castTo(probabilities.dataType());
    }

    /** The softmax probabilities of the last forward, [N, K]. */
    public INDArray probabilities() {
        return probabilities;
    }

    /** Labels as [N, K] rows (one-hot, or the soft rows given), row after row; checks the batch size and the class range. */
    private static double[] targetRows(long[] logitsShape, INDArray labels) {
        long n = logitsShape[0];
        int classes = (int) logitsShape[1];
        long[] shape = labels.shape();
        if (shape.length == 0 || shape[0] != n)
            throw new IllegalArgumentException("CrossEntropyLoss: logits " + Arrays.toString(logitsShape)
                    + " and labels " + Arrays.toString(shape) + " disagree on the batch size");
        boolean indices = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
        boolean rows = shape.length == 2 && shape[1] == classes;
        if (rows && !indices) {
            double[] t = labels.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < classes; j++)
                    sum += t[i * classes + j];
                if (!(Math.abs(sum - 1) <= 1e-3))
                    throw new IllegalArgumentException("CrossEntropyLoss: one-hot labels " + Arrays.toString(shape)
                            + " have rows that do not sum to 1 (row " + i + " sums to " + sum + ")");
            }
            return t;
        }
        if (!indices)
            throw new IllegalArgumentException("CrossEntropyLoss: labels must be class indices [" + n + "] or ["
                    + n + ", 1], or one-hot rows [" + n + ", " + classes + "], for logits "
                    + Arrays.toString(logitsShape) + "; got " + Arrays.toString(shape));
        double[] label = labels.reshape(n).toDoubleVector(), t = new double[(int) n * classes];
        for (int i = 0; i < n; i++) {
            if (label[i] != Math.rint(label[i]) || label[i] < 0 || label[i] >= classes)
                throw new IllegalArgumentException("CrossEntropyLoss: label " + label[i] + " of example " + i
                        + " is not a class index 0.." + (classes - 1) + " (logits " + Arrays.toString(logitsShape) + ")");
            t[i * classes + (int) label[i]] = 1;
        }
        return t;
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
        targetRows = targetRows(shape, labels);
        targets = Nd4j.create(targetRows, shape, 'c').castTo(logits.dataType());
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
