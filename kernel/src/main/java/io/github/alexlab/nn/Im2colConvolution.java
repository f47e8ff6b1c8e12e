package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Conv2d}'s engine without oneDNN: im2col ({@link Im2col}) turns the convolution of the whole
 * batch into one matrix product per group, weights [outC, C*k*k] x columns [C*k*k, N*oH*oW], which
 * BLAS computes fast. (One product per image, straight into each image's output, was slower: BLAS
 * gets less work per call.) The numbers are those of {@link NaiveConvolution}; Conv2dTest checks them.
 */
final class Im2colConvolution {
    private final Conv2d layer;
    private final Im2col im2col;

    Im2colConvolution(Conv2d layer) {
        this.layer = layer;
        this.im2col = new Im2col(layer.inChannels(), layer.kernelSize(), layer.stride(), layer.padding());
    }

    /** y for x [N, inC, H, W]. */
    INDArray forward(INDArray x) {
        long[] outShape = layer.outputShape(x.shape());
        long n = outShape[0], outChannels = outShape[1], oH = outShape[2], oW = outShape[3];
        int groups = layer.groups();
        INDArray columns = im2col.columnsOf(x, oH, oW);
        long rowsPerGroup = columns.rows() / groups, outPerGroup = outChannels / groups;
        INDArray filters = layer.weight().value().reshape(outChannels, rowsPerGroup); // one filter per row
        INDArray y = Nd4j.createUninitialized(x.dataType(), outChannels, n * oH * oW);
        // Group g's input channels are a block of rows of the columns, its output channels a block of rows
        // of y: views, so each group multiplies its own slice and nothing needs concatenating.
        for (int g = 0; g < groups; g++)
            Nd4j.gemm(rows(filters, g * outPerGroup, outPerGroup), rows(columns, g * rowsPerGroup, rowsPerGroup),
                    rows(y, g * outPerGroup, outPerGroup), false, false, 1.0, 0.0);
        y.addi(layer.bias().value().reshape(outChannels, 1)); // broadcast over the columns
        return y.reshape(outChannels, n, oH, oW).permute(1, 0, 2, 3).dup('c'); // [outC, N, ...] -> [N, outC, ...]
    }

    /**
     * With dY = dL/dOutput as a matrix [outC, N*oH*oW]: dL/dBias = row sums of dY, dL/dWeight = dY x columns^T,
     * dL/dColumns = weights^T x dY, and col2im adds each column back onto the pixels it was copied from.
     * Returns dL/dInput, or null when {@code inputGradient} is false (the first layer: the images need none).
     */
    INDArray backward(INDArray x, INDArray gradOutput, boolean inputGradient) {
        long[] outShape = layer.outputShape(x.shape());
        long outChannels = outShape[1];
        int groups = layer.groups();
        INDArray columns = im2col.columnsAgain(x, outShape[2], outShape[3]);
        long rowsPerGroup = columns.rows() / groups, outPerGroup = outChannels / groups;
        INDArray dY = gradOutput.castTo(x.dataType()).permute(1, 0, 2, 3).dup('c').reshape(outChannels, columns.columns());
        INDArray filters = layer.weight().value().reshape(outChannels, rowsPerGroup);
        INDArray dFilters = Nd4j.create(x.dataType(), outChannels, rowsPerGroup);
        for (int g = 0; g < groups; g++)
            Nd4j.gemm(rows(dY, g * outPerGroup, outPerGroup), rows(columns, g * rowsPerGroup, rowsPerGroup),
                    rows(dFilters, g * outPerGroup, outPerGroup), false, true, 1.0, 0.0);
        layer.bias().accumulate(dY.sum(1));
        layer.weight().accumulate(dFilters.reshape(layer.weight().value().shape())); // masked weights get none
        if (!inputGradient)
            return null;
        for (int g = 0; g < groups; g++) // dL/dColumns overwrites the columns: they are not needed any more
            Nd4j.gemm(rows(filters, g * outPerGroup, outPerGroup), rows(dY, g * outPerGroup, outPerGroup),
                    rows(columns, g * rowsPerGroup, rowsPerGroup), true, false, 1.0, 0.0);
        return im2col.col2im(x);
    }

    /** A new input is coming (oneDNN ran the forward): the patches no longer hold its. */
    void forget() {
        im2col.forget();
    }

    /** Rows [from, from + count) of a matrix, as a view (contiguous, so BLAS can write into it). */
    private static INDArray rows(INDArray matrix, long from, long count) {
        return matrix.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
    }
}
