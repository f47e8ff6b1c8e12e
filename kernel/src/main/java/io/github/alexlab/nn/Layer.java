package io.github.alexlab.nn;

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

    /** Training mode (dropout active) or evaluation mode. Most blocks do not care. */
    default void train(boolean training) {
    }

    /** Sets every parameter's gradient to zero. */
    default void zeroGradients() {
        for (Parameter p : parameters())
            p.zeroGradient();
    }

    /** Converts the parameters (and their gradients) to a data type, e.g. DOUBLE for a gradient check. */
    default void parametersTo(org.nd4j.linalg.api.buffer.DataType type) {
        for (Parameter p : parameters())
            p.convertTo(type);
    }
}
