package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

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

    // ---- CPU path -----------------------------------------------------------------------------

    /** The mean loss over the batch, for logits [N, K]. */
    public double forward(INDArray logits, INDArray labels) {
        if (logits.rank() != 2)
            throw new ShapeException("CrossEntropyLoss", "logits [N, K] (a batch of score vectors)", logits.shape());
        targets = oneHot(logits, labels);

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
    private static INDArray oneHot(INDArray logits, INDArray labels) {
        long n = logits.size(0);
        long classes = logits.size(1);
        long[] shape = labels.shape();
        if (shape.length == 0 || shape[0] != n)
            throw new IllegalArgumentException("CrossEntropyLoss: logits " + Arrays.toString(logits.shape())
                    + " and labels " + Arrays.toString(shape) + " disagree on the batch size");
        boolean indices = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
        boolean rows = shape.length == 2 && shape[1] == classes;
        if (rows && !indices) {
            INDArray sums = labels.castTo(logits.dataType()).sum(1);
            if (Transforms.abs(sums.subi(1), false).maxNumber().doubleValue() > 1e-3)
                throw new IllegalArgumentException("CrossEntropyLoss: one-hot labels " + Arrays.toString(shape)
                        + " have rows that do not sum to 1");
            return labels.castTo(logits.dataType());
        }
        if (!indices)
            throw new IllegalArgumentException("CrossEntropyLoss: labels must be class indices [" + n + "] or ["
                    + n + ", 1], or one-hot rows [" + n + ", " + classes + "], for logits "
                    + Arrays.toString(logits.shape()) + "; got " + Arrays.toString(shape));

        // A loop over the batch (tens of rows), clearer than a scatter op.
        INDArray target = Nd4j.zeros(logits.dataType(), n, classes);
        INDArray flat = labels.reshape(n);
        for (long i = 0; i < n; i++) {
            double label = flat.getDouble(i);
            if (label != Math.rint(label) || label < 0 || label >= classes)
                throw new IllegalArgumentException("CrossEntropyLoss: label " + label + " of example " + i
                        + " is not a class index 0.." + (classes - 1) + " (logits " + Arrays.toString(logits.shape()) + ")");
            target.putScalar(i, (long) label, 1.0);
        }
        return target;
    }

    // ---- GPU path: cuDNN softmax (mode INSTANCE, LOG algorithm) for the forward, one elementwise
    //      kernel for the gradient (the GPU issue fills this in) ----------------------------------

    @Override
    public String toString() {
        return "CrossEntropyLoss";
    }
}
