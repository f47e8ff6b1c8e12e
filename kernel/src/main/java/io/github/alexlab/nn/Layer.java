package io.github.alexlab.nn;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * One building block of a network.
 * <p>
 * {@link #forward} computes the output and remembers what {@link #backward} needs; backward takes
 * dLoss/dOutput, adds dLoss/dParameter to each parameter's gradient and returns dLoss/dInput.
 * Blocks compute in the data type of their input (FLOAT in class, DOUBLE in gradient checks);
 * their parameters must have the same type (see {@link #parametersTo}).
 * <p>
 * Shapes are ND4J's NCHW: [batch, channels, height, width] for images, [batch, features] otherwise.
 * <p>
 * <b>On a GPU.</b> The same calls take a {@link GpuArray}: {@code block.to(Device.gpu(0))} moves the
 * parameters, and {@code forward(GpuArray)} / {@code backward(GpuArray)} run cuDNN, cuBLAS or our own
 * kernels there, in FP32. A block keeps its GPU output and input gradient in buffers of its own, reused
 * at every step (fresh GPU memory is slow), so the array that forward returns belongs to the block and
 * holds its numbers until the block's next forward; copy it ({@code toHost()}) to keep it longer. The
 * input passed to forward must stay open until backward, which reads it.
 */
public interface Layer {
    /** The name shown in summaries and error messages, e.g. "conv1". */
    String name();

    /** The output for a batch; throws {@link ShapeException} when the input shape does not fit. */
    INDArray forward(INDArray input);

    /** Given dLoss/dOutput of the last forward, accumulates parameter gradients and returns dLoss/dInput. */
    INDArray backward(INDArray gradOutput);

    /**
     * Backward for a block whose input needs no gradient, such as the first block of a network (its input
     * is the data): accumulates the parameter gradients only. A block may skip work here; a convolution
     * skips its input gradient, about half of its backward pass.
     */
    default void backwardToParameters(INDArray gradOutput) {
        backward(gradOutput);
    }

    // ---- GPU path -------------------------------------------------------------------------------

    /** The output for a batch on the GPU; the array belongs to this block (see the class comment). */
    default GpuArray forward(GpuArray input) {
        throw new UnsupportedOperationException(name() + " (" + getClass().getSimpleName() + ") has no GPU path");
    }

    /** GPU backward: adds to the parameter gradients on the GPU and returns dL/dInput (a buffer of this block). */
    default GpuArray backward(GpuArray gradOutput) {
        throw new UnsupportedOperationException(name() + " (" + getClass().getSimpleName() + ") has no GPU path");
    }

    /** GPU backward for a block whose input needs no gradient (see the CPU version). */
    default void backwardToParameters(GpuArray gradOutput) {
        backward(gradOutput);
    }

    /**
     * Moves the parameters to {@code device} and returns this: to a GPU before training there, back to
     * the CPU to free the GPU's memory (the GPU buffers of the block are freed too).
     */
    default Layer to(Device device) {
        for (Parameter p : parameters())
            p.moveTo(device, name() + " " + p.name());
        if (!device.isGpu())
            freeGpuBuffers();
        return this;
    }

    /** Where this block computes: its parameters' device (the CPU for a block without parameters, until moved). */
    default Device device() {
        List<Parameter> ps = parameters();
        return ps.isEmpty() ? Device.cpu() : ps.get(0).device();
    }

    /** Frees the GPU memory this block keeps between steps (outputs, gradients, masks); the next GPU step allocates again. */
    default void freeGpuBuffers() {
    }

    /**
     * Forward on this block's device for a host batch: on a GPU the batch goes there and the output comes
     * back (both copies timed by {@link GpuArray}); on the CPU it is {@link #forward(INDArray)}.
     */
    default INDArray forwardOnDevice(INDArray input) {
        Device d = device();
        if (!d.isGpu())
            return forward(input);
        try (GpuArray x = GpuArray.of(input.castTo(DataType.FLOAT), d, name() + " input")) {
            return forward(x).toHost();
        }
    }

    /** The output shape for an input shape (batch included); throws {@link ShapeException} when it does not fit. */
    long[] outputShape(long[] inputShape);

    /** Multiply-adds of one forward pass over an input of this shape (batch included). */
    default long multiplyAdds(long[] inputShape) {
        return 0;
    }

    /** The trainable parameters, each with its gradient. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** The number of trainable numbers (a masked-out weight does not count). */
    default long parameterCount() {
        long n = 0;
        for (Parameter p : parameters())
            n += p.trainableCount();
        return n;
    }

    /**
     * Lets go of what the last forward kept for backward (its input, masks, ...). Otherwise the
     * activations of the last batch stay in memory as long as the model does: after an evaluation
     * in batches of 1,000, many times the size of LeNet-5's weights. A backward then needs a new forward first.
     */
    default void forgetActivations() {
    }

    /** Training mode (dropout active) or evaluation mode. Most blocks do not care. */
    default void train(boolean training) {
    }

    /** Sets every parameter's gradient to zero. */
    default void zeroGradients() {
        for (Parameter p : parameters())
            p.zeroGradient();
    }

    /** Converts the parameters (and their gradients) to a data type, e.g. DOUBLE for a gradient check. */
    default void parametersTo(DataType type) {
        for (Parameter p : parameters())
            p.convertTo(type);
    }
}
