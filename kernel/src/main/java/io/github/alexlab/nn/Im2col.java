package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * im2col and col2im for {@link Conv2d}'s matrix-multiply engine (Chellapilla et al. 2006; Caffe):
 * every k x k patch of the input, over all channels, is copied into one column of a matrix
 * [C*k*k, N*oH*oW], so a convolution becomes one matrix product. col2im goes back: each entry of a
 * column is added to the pixel it was copied from (overlapping patches add up).
 * <p>
 * The buffers are kept between calls and reused while the input shape stays the same: fresh memory
 * is slow to touch. Backward may overwrite the columns with dL/dColumns, so they remember whether
 * they still hold the input's patches.
 */
final class Im2col {
    private final int channels, kernelSize, stride, padding;
    private INDArray patches;   // libnd4j's im2col layout [N, C, k, k, oH, oW]
    private INDArray columns;   // the same numbers as the matrix [C*k*k, N*oH*oW]: one column per output position
    private boolean holdsInput;

    Im2col(int channels, int kernelSize, int stride, int padding) {
        this.channels = channels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
    }

    /** The columns of the input forward saw: kept from forward unless a backward has overwritten them. */
    INDArray columnsAgain(INDArray x, long oH, long oW) {
        return holdsInput ? columns : columnsOf(x, oH, oW);
    }

    /** Copies {@code x}'s patches into the columns. */
    INDArray columnsOf(INDArray x, long oH, long oW) {
        long n = x.size(0), k = kernelSize;
        long[] patchShape = {n, channels, k, k, oH, oW};
        if (patches == null || patches.dataType() != x.dataType() || !Arrays.equals(patches.shape(), patchShape)) {
            patches = Nd4j.createUninitialized(x.dataType(), patchShape);
            columns = Nd4j.createUninitialized(x.dataType(), channels * k * k, n * oH * oW);
        }
        Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(patches)
                .addIntegerArguments(kernelSize, kernelSize, stride, stride, padding, padding, 1, 1, 0).build());
        // one copy moves N next to oH, oW
        columns.reshape(channels * k * k, n, oH * oW).assign(patches.reshape(n, channels * k * k, oH * oW).permute(1, 0, 2));
        holdsInput = true;
        return columns;
    }

    /** A new input is coming: the columns no longer hold its patches. */
    void forget() {
        holdsInput = false;
    }

    /** dL/dInput from dL/dColumns, which the caller wrote into the columns: each entry adds to its pixel. */
    INDArray col2im(INDArray input) {
        holdsInput = false;
        long n = patches.size(0), k = kernelSize, oH = patches.size(4), oW = patches.size(5);
        patches.reshape(n, channels * k * k, oH * oW).assign(columns.reshape(channels * k * k, n, oH * oW).permute(1, 0, 2));
        INDArray dx = Nd4j.create(input.dataType(), input.shape());
        Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(patches).addOutputs(dx)
                .addIntegerArguments(stride, stride, padding, padding, (int) input.size(2), (int) input.size(3), 1, 1, 0).build());
        return dx;
    }
}
