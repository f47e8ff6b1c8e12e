package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LeNet-5's Euclidean RBF output as the formula reads, in plain loops, forward and backward (the
 * same loops as {@link EuclideanRbf}'s GPU kernels; its CPU path uses one matrix product instead):
 * <pre>
 *   y[n, i]  = -sum over j of (x[n, j] - w[i, j])^2
 *   dx[n, j] = -2 sum over i of dy[n, i] (x[n, j] - w[i, j])
 * </pre>
 * The codes w are fixed, so there is no parameter gradient.
 */
public final class NaiveEuclideanRbf {
    private NaiveEuclideanRbf() {
    }

    /** x [N, features], codes [classes, features] -> y [N, classes], in x's data type. */
    public static INDArray forward(INDArray x, INDArray codes) {
        int n = (int) x.size(0), features = (int) x.size(1), classes = (int) codes.size(0);
        double[] xs = values(x), w = values(codes), y = new double[n * classes];
        for (int row = 0; row < n; row++)
            for (int i = 0; i < classes; i++) {
                double sum = 0;
                for (int j = 0; j < features; j++) {
                    double d = xs[row * features + j] - w[i * features + j];
                    sum += d * d;
                }
                y[row * classes + i] = -sum;
            }
        return Nd4j.createFromArray(y).reshape(n, classes).castTo(x.dataType());
    }

    /** dL/dx [N, features] for dL/dy = gradOutput [N, classes]. */
    public static INDArray backward(INDArray x, INDArray codes, INDArray gradOutput) {
        int n = (int) x.size(0), features = (int) x.size(1), classes = (int) codes.size(0);
        double[] xs = values(x), w = values(codes), g = values(gradOutput), dx = new double[n * features];
        for (int row = 0; row < n; row++)
            for (int j = 0; j < features; j++) {
                double sum = 0;
                for (int i = 0; i < classes; i++)
                    sum += g[row * classes + i] * (xs[row * features + j] - w[i * features + j]);
                dx[row * features + j] = -2 * sum;
            }
        return Nd4j.createFromArray(dx).reshape(n, features).castTo(x.dataType());
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
