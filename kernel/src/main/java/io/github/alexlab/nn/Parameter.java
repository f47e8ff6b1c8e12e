package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trainable tensor and the gradient of the loss with respect to it (same shape).
 * <p>
 * An optional mask (1 = trainable, 0 = fixed at zero) serves LeNet-5's C3 layer, whose partial
 * connection table leaves some filter weights out: they stay zero and are not counted.
 */
public final class Parameter {
    private final String name;
    private INDArray value;
    private INDArray gradient;
    private INDArray mask;

    public Parameter(String name, INDArray value) {
        this.name = name;
        this.value = value;
        this.gradient = Nd4j.zerosLike(value);
    }

    public String name() {
        return name;
    }

    public INDArray value() {
        return value;
    }

    public INDArray gradient() {
        return gradient;
    }

    /** The mask, or null when every entry is trainable. */
    public INDArray mask() {
        return mask;
    }

    /** Fixes the entries where {@code mask} is 0 at zero; they no longer count as parameters. */
    public void setMask(INDArray mask) {
        if (!java.util.Arrays.equals(mask.shape(), value.shape()))
            throw new IllegalArgumentException(name + ": mask shape " + java.util.Arrays.toString(mask.shape())
                    + " differs from the parameter's " + java.util.Arrays.toString(value.shape()));
        this.mask = mask.castTo(value.dataType());
        value.muli(this.mask);
    }

    /** The number of trainable entries. */
    public long trainableCount() {
        return mask == null ? value.length() : mask.sumNumber().longValue();
    }

    /** Adds to the gradient (masked entries get none). */
    public void accumulate(INDArray delta) {
        gradient.addi(mask == null ? delta : delta.mul(mask));
    }

    public void zeroGradient() {
        gradient.assign(0);
    }

    /** Replaces the value (same shape), e.g. weights loaded from a file; masked entries stay zero. */
    public void set(INDArray newValue) {
        if (!java.util.Arrays.equals(newValue.shape(), value.shape()))
            throw new IllegalArgumentException(name + ": expected shape " + java.util.Arrays.toString(value.shape())
                    + ", got " + java.util.Arrays.toString(newValue.shape()));
        value.assign(newValue);
        if (mask != null)
            value.muli(mask);
    }

    void convertTo(DataType type) {
        if (value.dataType() == type)
            return;
        value = value.castTo(type);
        gradient = gradient.castTo(type);
        if (mask != null)
            mask = mask.castTo(type);
    }

    @Override
    public String toString() {
        return name + " " + java.util.Arrays.toString(value.shape()) + " " + value.dataType();
    }
}
