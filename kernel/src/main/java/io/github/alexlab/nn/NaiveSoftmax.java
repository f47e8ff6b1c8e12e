package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax and the softmax cross-entropy loss as the formulas read, row by row in plain loops,
 * forward and backward: the definitions {@link Softmax} and {@link CrossEntropyLoss} compute with
 * whole-array operations, for the tests to check those against.
 * <pre>
 *   softmax:        y[k] = e^(z[k] - max) / sum over j of e^(z[j] - max)        (max: the row's largest z)
 *   its backward:   dz[k] = sum over j of dy[j] * dy[j]/dz[k] = sum over j of dy[j] * y[j] ([j == k] - y[k])
 *   cross-entropy:  loss = mean over rows of  log(sum over j of e^z[j]) - z[label]
 *   its gradient:   dloss/dz[k] = (y[k] - [k == label]) / N
 * </pre>
 */
public final class NaiveSoftmax {
    private NaiveSoftmax() {
    }

    /** z [N, K] -> y [N, K], each row summing to 1, in z's data type. */
    public static INDArray forward(INDArray z) {
        int n = (int) z.size(0), classes = (int) z.size(1);
        double[] v = values(z), y = new double[v.length];
        for (int row = 0; row < n; row++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < classes; j++)
                max = Math.max(max, v[row * classes + j]);
            for (int j = 0; j < classes; j++)
                sum += Math.exp(v[row * classes + j] - max);
            for (int k = 0; k < classes; k++)
                y[row * classes + k] = Math.exp(v[row * classes + k] - max) / sum;
        }
        return Nd4j.createFromArray(y).reshape(n, classes).castTo(z.dataType());
    }

    /** dL/dz for dL/dy = gradOutput, through the full K x K Jacobian of each row. */
    public static INDArray backward(INDArray z, INDArray gradOutput) {
        int n = (int) z.size(0), classes = (int) z.size(1);
        double[] y = values(forward(z.castTo(DataType.DOUBLE))), g = values(gradOutput), dz = new double[y.length];
        for (int row = 0; row < n; row++)
            for (int k = 0; k < classes; k++)
                for (int j = 0; j < classes; j++) {
                    double yj = y[row * classes + j], yk = y[row * classes + k];
                    dz[row * classes + k] += g[row * classes + j] * yj * ((j == k ? 1 : 0) - yk);
                }
        return Nd4j.createFromArray(dz).reshape(n, classes).castTo(z.dataType());
    }

    /** The mean cross-entropy of logits z [N, K] against class indices 0..K-1. */
    public static double crossEntropy(INDArray z, int[] labels) {
        int n = (int) z.size(0), classes = (int) z.size(1);
        double[] v = values(z);
        double total = 0;
        for (int row = 0; row < n; row++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < classes; j++)
                max = Math.max(max, v[row * classes + j]);
            for (int j = 0; j < classes; j++)
                sum += Math.exp(v[row * classes + j] - max);
            total += max + Math.log(sum) - v[row * classes + labels[row]]; // log sum e^z, with the max taken out
        }
        return total / n;
    }

    /** dLoss/dz [N, K] of {@link #crossEntropy}, in z's data type. */
    public static INDArray crossEntropyGradient(INDArray z, int[] labels) {
        int n = (int) z.size(0), classes = (int) z.size(1);
        double[] y = values(forward(z.castTo(DataType.DOUBLE)));
        for (int row = 0; row < n; row++)
            for (int k = 0; k < classes; k++)
                y[row * classes + k] = (y[row * classes + k] - (k == labels[row] ? 1 : 0)) / n;
        return Nd4j.createFromArray(y).reshape(n, classes).castTo(z.dataType());
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
