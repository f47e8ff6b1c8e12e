package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Conv2d}'s engine on oneDNN's convolution kernels, through libnd4j's conv2d and conv2d_bp ops
 * (when ND4J runs its oneDNN build, see {@link CpuEngine}). They work on the image in cache-sized tiles
 * and need no column copy. The ops know no groups, so each group runs on its own block of channels.
 * The numbers are those of {@link NaiveConvolution}; Conv2dTest checks them.
 */
final class OneDnnConvolution {
    private final Conv2d layer;

    OneDnnConvolution(Conv2d layer) {
        this.layer = layer;
    }

    /** y for x [N, inC, H, W]. */
    INDArray forward(INDArray x) {
        int groups = layer.groups();
        INDArray y = Nd4j.createUninitialized(x.dataType(), layer.outputShape(x.shape()));
        for (int g = 0; g < groups; g++) {
            INDArray yGroup = groups == 1 ? y : Nd4j.createUninitialized(x.dataType(), channels(y, g).shape());
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(contiguous(channels(x, g)), group(layer.weight().value(), g), group(layer.bias().value(), g))
                    .addOutputs(yGroup).addIntegerArguments(convolutionArguments()).build());
            if (groups > 1)
                channels(y, g).assign(yGroup);
        }
        return y;
    }

    /**
     * Output maps at most this many pixels (AlexNet's 13 x 13, LeNet's 10 x 10) take the backward as two
     * convolutions; on larger maps (AlexNet's 27 x 27) conv2d_bp is faster, since the weight gradient's
     * convolution has the map as its filter.
     */
    static final long MOST_PIXELS_FOR_SPLIT_BACKWARD = 16 * 16;

    /** Adds dL/dWeight and dL/dBias to the layer's gradients and returns dL/dInput, for input x and dL/dOutput. */
    INDArray backward(INDArray x, INDArray gradOutput) {
        if (layer.stride() == 1 && layer.groups() == 1 && gradOutput.size(2) * gradOutput.size(3) <= MOST_PIXELS_FOR_SPLIT_BACKWARD)
            return backwardAsConvolutions(x, gradOutput);
        int groups = layer.groups();
        INDArray weight = layer.weight().value(), bias = layer.bias().value();
        DataType type = x.dataType();
        INDArray dY = contiguous(gradOutput.castTo(type));
        INDArray dX = Nd4j.createUninitialized(type, x.shape());
        INDArray dW = Nd4j.createUninitialized(type, weight.shape()), dB = Nd4j.createUninitialized(type, bias.shape());
        for (int g = 0; g < groups; g++) {
            INDArray dXGroup = groups == 1 ? dX : Nd4j.createUninitialized(type, channels(x, g).shape());
            INDArray dWGroup = groups == 1 ? dW : Nd4j.createUninitialized(type, group(weight, g).shape());
            INDArray dBGroup = groups == 1 ? dB : Nd4j.createUninitialized(type, group(bias, g).shape());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(contiguous(channels(x, g)), group(weight, g), group(bias, g), contiguous(channels(dY, g)))
                    .addOutputs(dXGroup, dWGroup, dBGroup).addIntegerArguments(convolutionArguments()).build());
            if (groups > 1) {
                channels(dX, g).assign(dXGroup);
                group(dW, g).assign(dWGroup);
                group(dB, g).assign(dBGroup);
            }
        }
        layer.weight().accumulate(dW); // masked weights (connection table) get none
        layer.bias().accumulate(dB);
        return dX;
    }

    /**
     * The backward as two of oneDNN's fast forward kernels instead of conv2d_bp (several times faster on
     * AlexNet's 3 x 3 layers): dL/dInput is the transposed convolution of dL/dOutput with the same
     * weights (libnd4j's deconv2d, the exact adjoint of conv2d), and dL/dWeight the convolution of
     * {@link #parameterGradients}. Stride 1 and one group.
     */
    INDArray backwardAsConvolutions(INDArray x, INDArray gradOutput) {
        int k = layer.kernelSize(), p = layer.padding();
        INDArray dY = contiguous(gradOutput.castTo(x.dataType()));
        INDArray dX = Nd4j.createUninitialized(x.dataType(), x.shape());
        // weights [outC, inC, k, k] are the transposed convolution's [its inC, its outC, k, k]: format 1
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dY, layer.weight().value()).addOutputs(dX)
                .addIntegerArguments(k, k, 1, 1, p, p, 1, 1, 0, 0, 1).build());
        parameterGradients(x, dY);
        return dX;
    }

    /**
     * dL/dWeight and dL/dBias only, for stride 1 and one group. dL/dWeight is itself a convolution:
     * <pre>
     *   dW[o, c, u, v] = sum over n, i, j of  x[n, c, i + u - pad, j + v - pad] * dY[n, o, i, j]
     * </pre>
     * that is, the input with images and channels swapped ([C, N, H, W]) convolved with dY as filters
     * ([outC, N, oH, oW]): an output [C, outC, k, k]. One forward convolution instead of conv2d_bp, which
     * also computes dL/dInput (about four times faster on LeNet's conv1). (With a stride the filters'
     * taps would lie stride pixels apart, a dilated convolution that oneDNN refuses at these sizes.)
     */
    void parameterGradients(INDArray x, INDArray gradOutput) {
        if (layer.stride() != 1 || layer.groups() != 1)
            throw new IllegalArgumentException(layer.name() + ": the weight gradient as a convolution needs stride 1 and one group");
        int k = layer.kernelSize(), padding = layer.padding();
        INDArray dY = gradOutput.castTo(x.dataType());
        INDArray imagesAsChannels = x.permute(1, 0, 2, 3);       // [C, N, H, W], a view
        INDArray gradientsAsFilters = dY.permute(1, 0, 2, 3);    // [outC, N, oH, oW], a view
        INDArray dW = Nd4j.createUninitialized(x.dataType(), layer.inChannels(), layer.outChannels(), k, k);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(imagesAsChannels, gradientsAsFilters).addOutputs(dW)
                .addIntegerArguments((int) dY.size(2), (int) dY.size(3), 1, 1, padding, padding, 1, 1, 0, 0, 1).build());
        layer.weight().accumulate(dW.permute(1, 0, 2, 3)); // [C, outC, k, k] -> [outC, C, k, k]; masked weights get none
        layer.bias().accumulate(dY.sum(0, 2, 3));
    }

    /** libnd4j's integer arguments: kernel, stride, padding, dilation 1, explicit padding, NCHW, weights [oC, iC, kH, kW]. */
    private int[] convolutionArguments() {
        int k = layer.kernelSize(), s = layer.stride(), p = layer.padding();
        return new int[]{k, k, s, s, p, p, 1, 1, 0, 0, 1};
    }

    /**
     * The array itself when it is already one dense row-major block, else a row-major copy. (Not
     * Shape.hasDefaultStridesForShape: it says no for a single channel [N, 1, H, W], which LeNet's conv1 gets.)
     */
    private static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1 && a.offset() == 0 ? a : a.dup('c');
    }

    /** Group g's block of channels (dimension 1) of an [N, C, H, W] array, as a view. */
    private INDArray channels(INDArray images, int g) {
        if (layer.groups() == 1)
            return images;
        long perGroup = images.size(1) / layer.groups();
        return images.get(NDArrayIndex.all(), NDArrayIndex.interval(g * perGroup, (g + 1) * perGroup), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Group g's block of output channels (dimension 0) of a weight [outC, ...] or bias [outC] array, as a view. */
    private INDArray group(INDArray perOutputChannel, int g) {
        if (layer.groups() == 1)
            return perOutputChannel;
        long perGroup = perOutputChannel.size(0) / layer.groups();
        INDArrayIndex[] index = new INDArrayIndex[perOutputChannel.rank()];
        index[0] = NDArrayIndex.interval(g * perGroup, (g + 1) * perGroup);
        for (int d = 1; d < index.length; d++)
            index[d] = NDArrayIndex.all();
        return perOutputChannel.get(index);
    }
}
