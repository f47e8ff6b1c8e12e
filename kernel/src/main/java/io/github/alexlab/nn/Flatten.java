package io.github.alexlab.nn;

import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Flatten: [N, C, H, W] (or any rank >= 2) -> [N, C*H*W], one row of features per example.
 * The bridge from the convolutional part of AlexNet to its fully connected part:
 * pool5's [N, 256, 5, 5] becomes fc6's input [N, 6400]. Row-major ('c') order: all of channel 0,
 * then channel 1, ...; backward puts the gradient back into the input's shape.
 */
public final class Flatten implements Layer {
    private final String name;
    private long[] inputShape; // kept for backward

    public Flatten(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length < 2)
            throw new ShapeException(name, "[N, ...] (a batch: at least 2 dimensions)", inputShape);
        long rest = 1;
        for (int i = 1; i < inputShape.length; i++)
            rest *= inputShape[i];
        return new long[]{inputShape[0], rest};
    }

    // ---- CPU path -----------------------------------------------------------------------------

    /** No arithmetic: the same numbers in a new shape (a view when the input is contiguous). */
    @Override
    public INDArray forward(INDArray input) {
        long[] out = outputShape(input.shape());
        inputShape = input.shape();
        return input.reshape('c', out);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        if (inputShape == null)
            throw new IllegalStateException(name + ": backward before forward");
        long[] expected = outputShape(inputShape);
        if (!Arrays.equals(gradOutput.shape(), expected))
            throw new ShapeException(name + " backward", Arrays.toString(expected), gradOutput.shape());
        return gradOutput.reshape('c', inputShape);
    }

    // ---- GPU path: a reshape only; the view shares the input's memory -------------------------

    @Override
    public GpuArray forward(GpuArray input) {
        long[] out = outputShape(input.shape());
        inputShape = input.shape();
        return input.reshape(out);
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        if (inputShape == null)
            throw new IllegalStateException(name + ": backward before forward");
        long[] expected = outputShape(inputShape);
        if (!Arrays.equals(gradOutput.shape(), expected))
            throw new ShapeException(name + " backward", Arrays.toString(expected), gradOutput.shape());
        return gradOutput.reshape(inputShape);
    }

    @Override
    public String toString() {
        return "Flatten(" + name + ")";
    }
}
