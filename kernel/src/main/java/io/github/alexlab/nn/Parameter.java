package io.github.alexlab.nn;

import io.github.alexlab.cuda.CudaException;
import io.github.alexlab.cuda.Cudnn;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

/**
 * A trainable tensor and the gradient of the loss with respect to it (same shape).
 * <p>
 * An optional mask (1 = trainable, 0 = fixed at zero) serves LeNet-5's C3 layer, whose partial
 * connection table leaves some filter weights out: they stay zero and are not counted.
 * <p>
 * A parameter lives on one device. On a GPU ({@link #moveTo}) the GPU copies of value and gradient
 * are the real ones, which the GPU paths read and write; {@link #value()} and {@link #gradient()}
 * then copy them back to the host arrays first, so what a student prints is always current.
 */
public final class Parameter {
    private final String name;
    private INDArray value;
    private INDArray gradient;
    private INDArray mask;
    private Device device = Device.cpu();
    private GpuArray valueOnGpu, gradientOnGpu, maskOnGpu; // null while on the CPU

    public Parameter(String name, INDArray value) {
        this.name = name;
        this.value = value;
        this.gradient = Nd4j.zerosLike(value);
    }

    public String name() {
        return name;
    }

    /** The value on the host (copied back from the GPU first when it lives there). */
    public INDArray value() {
        if (valueOnGpu != null)
            value.assign(valueOnGpu.toHost());
        return value;
    }

    /** The gradient on the host (copied back from the GPU first when it lives there). */
    public INDArray gradient() {
        if (gradientOnGpu != null)
            gradient.assign(gradientOnGpu.toHost());
        return gradient;
    }

    /** Where the value and gradient live. */
    public Device device() {
        return device;
    }

    /**
     * Moves value and gradient to {@code target} (FLOAT only on a GPU); {@code what} names them in the memory
     * ledger, e.g. "conv1 weight". Moving back to the CPU copies them into the host arrays and frees the GPU's.
     */
    public void moveTo(Device target, String what) {
        if (target.equals(device))
            return;
        if (device.isGpu()) { // back to the host first
            value();
            gradient();
            freeGpuCopies();
            device = Device.cpu();
        }
        if (target.isGpu()) {
            if (value.dataType() != DataType.FLOAT)
                throw new IllegalArgumentException(what + ": the GPU path computes in FLOAT; this parameter is " + value.dataType());
            try {
                valueOnGpu = GpuArray.of(value, target, what);
                gradientOnGpu = GpuArray.of(gradient, target, what + " gradient");
                if (mask != null)
                    maskOnGpu = GpuArray.of(mask, target, what + " mask");
            } catch (RuntimeException | Error e) { // out of memory half-way: nothing stays behind
                freeGpuCopies();
                throw e;
            }
            device = target;
        }
    }

    private void freeGpuCopies() {
        for (GpuArray a : new GpuArray[]{valueOnGpu, gradientOnGpu, maskOnGpu})
            if (a != null)
                a.close();
        valueOnGpu = gradientOnGpu = maskOnGpu = null;
    }

    /** The value on the GPU, which the GPU paths compute with; throws while the parameter is on the CPU. */
    public GpuArray valueOnGpu() {
        requireGpu();
        return valueOnGpu;
    }

    /** The gradient on the GPU; GPU backward passes add to it (cuDNN and cuBLAS with beta = 1). */
    public GpuArray gradientOnGpu() {
        requireGpu();
        return gradientOnGpu;
    }

    /** On the GPU, after a backward pass added to the gradient: masked entries get none (a no-op without a mask). */
    public void maskGradientOnGpu() {
        requireGpu();
        if (maskOnGpu == null)
            return;
        try (var d = new Cudnn.Descriptors()) {
            var all = d.tensor(new long[]{gradientOnGpu.length()});
            // gradient = gradient * mask, in place (cuDNN allows the output to be the first input)
            Cudnn.check(cudnn.cudnnOpTensor(Cudnn.handle(device.index()), d.operation(cudnn.CUDNN_OP_TENSOR_MUL),
                    Cudnn.ONE, all, gradientOnGpu.pointer(), Cudnn.ONE, all, maskOnGpu.pointer(), Cudnn.ZERO, all, gradientOnGpu.pointer()),
                    "cudnnOpTensor(MUL, gradient by mask)");
        }
    }

    /** The mask on the GPU, or null without one. */
    public GpuArray maskOnGpu() {
        requireGpu();
        return maskOnGpu;
    }

    private void requireGpu() {
        if (valueOnGpu == null)
            throw new IllegalStateException(name + " is on the CPU; move its block to a GPU first with .to(Device.gpu(0))");
    }

    /** The mask, or null when every entry is trainable. */
    public INDArray mask() {
        return mask;
    }

    /** Fixes the entries where {@code mask} is 0 at zero; they no longer count as parameters. */
    public void setMask(INDArray mask) {
        if (!Arrays.equals(mask.shape(), value.shape()))
            throw new IllegalArgumentException(name + ": mask shape " + Arrays.toString(mask.shape())
                    + " differs from the parameter's " + Arrays.toString(value.shape()));
        this.mask = mask.castTo(value.dataType());
        value.muli(this.mask);
    }

    /** The number of trainable entries. */
    public long trainableCount() {
        return mask == null ? value.length() : mask.sumNumber().longValue();
    }

    /** Adds to the gradient (masked entries get none). */
    public void accumulate(INDArray delta) {
        if (device.isGpu())
            throw new IllegalStateException(name + " is on " + device + ": a host gradient cannot be added to it");
        gradient.addi(mask == null ? delta : delta.mul(mask));
    }

    public void zeroGradient() {
        if (gradientOnGpu != null)
            CudaException.check(cudart.cudaMemset(gradientOnGpu.pointer(), 0, gradientOnGpu.bytes()), "cudaMemset(" + name + " gradient)");
        else if (gradient.length() <= SMALL && !gradient.isView())
            Pointer.memset(gradient.data().addressPointer(), 0, gradient.length() * gradient.dataType().width()); // one call, no op setup
        else
            gradient.assign(0); // ND4J's fill, on every core
    }

    /** Up to this many numbers a gradient is zeroed by one memset: ND4J's fill costs microseconds to set up. */
    private static final long SMALL = 1 << 16;

    /** Replaces the value (same shape), e.g. weights loaded from a file; masked entries stay zero. */
    public void set(INDArray newValue) {
        if (!Arrays.equals(newValue.shape(), value.shape()))
            throw new IllegalArgumentException(name + ": expected shape " + Arrays.toString(value.shape())
                    + ", got " + Arrays.toString(newValue.shape()));
        value.assign(newValue);
        if (mask != null)
            value.muli(mask);
        if (valueOnGpu != null)
            valueOnGpu.copyFrom(value);
    }

    void convertTo(DataType type) {
        if (value.dataType() == type)
            return;
        if (device.isGpu())
            throw new IllegalStateException(name + " is on " + device + ", where the blocks compute in FLOAT; move it to the CPU to convert it");
        value = value.castTo(type);
        gradient = gradient.castTo(type);
        if (mask != null)
            mask = mask.castTo(type);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(value.shape()) + " " + value.dataType();
    }
}
