package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * LeNet-5's output layer (LeCun et al. 1998, section II.B): one Euclidean radial basis function
 * unit per class, y_i = sum_j (x_j - w_ij)^2, the squared distance between the 84 outputs of F6
 * and a fixed code for class i. The codes are not trained: in 1998 they were 7x12 bitmaps of the
 * characters, drawn with +1 and -1. Our classes are clothing, so each code is a seeded random +-1
 * pattern, and this layer has no trainable parameters.
 * <p>
 * The paper's rule is: the nearest code wins. We output the NEGATIVE squared distance, so that the
 * largest output wins and the scores can go straight into {@link CrossEntropyLoss} (the 1998
 * training criterion was a related maximum-a-posteriori rule on these distances).
 */
public final class EuclideanRbf implements Layer {
    private final String name;
    private final INDArray codes; // [classes, features], entries +-1, fixed
    private INDArray input;

    public EuclideanRbf(String name, int features, int classes, long seed) {
        this.name = name;
        this.codes = org.nd4j.linalg.factory.Nd4j.rand(Init.random(seed), classes, features).gt(0.5)
                .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).muli(2).subi(1);
    }

    @Override
    public String name() {
        return name;
    }

    /** The fixed class codes, [classes, features]. */
    public INDArray codes() {
        return codes;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        ShapeException.require(name, "vectors of " + codes.columns() + " features", inputShape, -1, codes.columns());
        return new long[]{inputShape[0], codes.rows()};
    }

    @Override
    public long multiplyAdds(long[] inputShape) {
        return inputShape[0] * codes.length(); // one (x - w)^2 per code entry
    }

    // ---- CPU path -----------------------------------------------------------------------------

    /** -||x - w_i||^2 = -(|x|^2 - 2 x.w_i + |w_i|^2), computed with one matrix product. */
    @Override
    public INDArray forward(INDArray x) {
        outputShape(x.shape());
        input = x;
        INDArray w = codes.castTo(x.dataType());
        INDArray xx = x.mul(x).sum(true, 1);                 // [N, 1]
        INDArray ww = w.mul(w).sum(true, 1).transpose();     // [1, classes]
        return x.mmul(w.transpose()).muli(2).subiColumnVector(xx).subiRowVector(ww);
    }

    /** d(-||x - w_i||^2)/dx = -2 (x - w_i): dx = -2 (x * sum_i g_i - g . w). */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (gradOutput.rank() != 2 || gradOutput.rows() != input.rows() || gradOutput.columns() != codes.rows())
            throw new ShapeException(name + " backward", "[" + input.rows() + ", " + codes.rows() + "]", gradOutput.shape());
        INDArray w = codes.castTo(input.dataType());
        INDArray gSum = gradOutput.sum(true, 1);             // [N, 1]
        return input.mulColumnVector(gSum).subi(gradOutput.mmul(w)).muli(-2);
    }

    // ---- GPU path: a GEMM and two reductions (the GPU issue fills this in) -------------------

    @Override
    public String toString() {
        return "EuclideanRbf(" + name + ": " + codes.columns() + "->" + codes.rows() + ", fixed codes " + Arrays.toString(codes.shape()) + ")";
    }
}
