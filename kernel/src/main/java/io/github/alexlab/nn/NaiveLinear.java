package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/**
 * The fully connected layer as the formula reads, in plain loops, forward and backward: slow, but
 * every step is visible. {@link Linear} computes the same numbers as one BLAS matrix product (and
 * cuBLAS on a GPU); the tests check one against the other.
 * <pre>
 *   y[n, o] = b[o] + sum over i of  x[n, i] * W[i, o]            (W is [in, out])
 *   dx[n, i] = sum over o of  dy[n, o] * W[i, o]                  (dy W^T)
 *   dW[i, o] = sum over n of  x[n, i] * dy[n, o]                  (x^T dy)
 *   db[o]    = sum over n of  dy[n, o]
 * </pre>
 */
public final class NaiveLinear {
    private NaiveLinear() {
    }

    /** x [N, in], weight [in, out], bias [out] -> y [N, out], in x's data type. Sums in double precision. */
    public static INDArray forward(INDArray x, INDArray weight, INDArray bias) {
        int n = (int) x.size(0), in = (int) weight.size(0), out = (int) weight.size(1);
        if (x.size(1) != in)
            throw new IllegalArgumentException("x has " + x.size(1) + " features, the weight expects " + in);
        double[] xs = values(x), w = values(weight), b = values(bias), y = new double[n * out];
        for (int row = 0; row < n; row++)
            for (int o = 0; o < out; o++) {
                double sum = b[o];
                for (int i = 0; i < in; i++)
                    sum += xs[row * in + i] * w[i * out + o];
                y[row * out + o] = sum;
            }
        return Nd4j.createFromArray(y).reshape(n, out).castTo(x.dataType());
    }

    /** dL/dx [N, in], dL/dW [in, out] and dL/db [out], in x's data type. */
    public record Gradients(INDArray input, INDArray weight, INDArray bias) {
    }

    /** The three gradients for dL/dy = gradOutput [N, out]. */
    public static Gradients backward(INDArray x, INDArray weight, INDArray gradOutput) {
        int n = (int) x.size(0), in = (int) weight.size(0), out = (int) weight.size(1);
        if (gradOutput.size(0) != n || gradOutput.size(1) != out)
            throw new IllegalArgumentException("dL/dy is " + Arrays.toString(gradOutput.shape())
                    + ", the layer's output is [" + n + ", " + out + "]");
        double[] xs = values(x), w = values(weight), dy = values(gradOutput);
        double[] dx = new double[n * in], dw = new double[in * out], db = new double[out];
        for (int row = 0; row < n; row++)
            for (int o = 0; o < out; o++) {
                double g = dy[row * out + o];
                db[o] += g;
                for (int i = 0; i < in; i++) {
                    dx[row * in + i] += g * w[i * out + o];
                    dw[i * out + o] += xs[row * in + i] * g;
                }
            }
        DataType type = x.dataType();
        return new Gradients(Nd4j.createFromArray(dx).reshape(n, in).castTo(type),
                Nd4j.createFromArray(dw).reshape(in, out).castTo(type), Nd4j.createFromArray(db).castTo(type));
    }

    /** The entries in row-major ("c") order as doubles. */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }
}
