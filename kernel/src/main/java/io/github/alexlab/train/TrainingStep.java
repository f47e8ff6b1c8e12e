package io.github.alexlab.train;

import io.github.alexlab.nn.CrossEntropyLoss;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.NativeMemory;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * One training step on one batch, the only one in AlexLab: {@link Trainer}, mixed-precision
 * training and the benchmarks all run this code, so what is measured is what is trained.
 * <pre>
 *   1. free the dead arrays of earlier steps when that is worth it (NativeMemory)
 *   2. zero the gradients
 *   3. forward, block by block
 *   4. cross-entropy loss, and its gradient
 *   5. backward, block by block; the first block computes its parameters' gradients only
 *      (backwardToParameters): the images need no gradient
 *   6. the optimizer's step
 * </pre>
 * It runs where the model is: on a GPU the batch is copied into a reused GPU buffer, and forward,
 * loss, backward and the update stay there; only the N x K log-probabilities come back.
 * <p>
 * {@link Hooks} let a variant of the step (rounding to FP16 or BF16, loss scaling, timing each
 * block) change it at named points without writing a step of its own.
 */
public final class TrainingStep {
    /**
     * What one step did.
     *
     * @param loss     the mean loss over the batch
     * @param correct  images of the batch whose largest score was at their label
     * @param examples the batch size
     * @param applied  whether the optimizer updated the weights ({@link Hooks#beforeUpdate} may skip it)
     */
    public record Result(double loss, long correct, long examples, boolean applied) {}

    /**
     * The points where a variant changes the step; each default leaves the plain step as it is.
     * The hooks that see arrays ({@link #afterForward}, {@link #lossGradient}, {@link #afterBackward})
     * are called on the CPU only: on a GPU the model runs whole, and a step with such hooks is refused.
     */
    public interface Hooks {
        /** Before forward, after the gradients are zeroed (and, on a GPU, the batch copied there). */
        default void beforeForward() {}

        /** The output of block {@code index} of the step's blocks, as the next block will see it. */
        default INDArray afterForward(int index, Layer block, INDArray output) {
            return output;
        }

        /** dLoss/dLogits, as backward will see it. */
        default INDArray lossGradient(INDArray gradient) {
            return gradient;
        }

        /** The input gradient of block {@code index} (never the first: it computes none), as the block before will see it. */
        default INDArray afterBackward(int index, Layer block, INDArray gradInput) {
            return gradInput;
        }

        /** After the whole backward pass, also when forward or backward failed. */
        default void afterBackwardPass() {}

        /** Sees the parameters' gradients before the update; false skips the update. */
        default boolean beforeUpdate() {
            return true;
        }

        /** Whether these hooks change arrays, which only the CPU path can offer. */
        default boolean seesArrays() {
            return true;
        }
    }

    /** The plain step: no hooks. */
    public static final Hooks PLAIN = new Hooks() {
        @Override
        public boolean seesArrays() {
            return false;
        }
    };

    private final Layer model;
    private final List<Layer> blocks;
    private final SGD optimizer;
    private final Hooks hooks;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private final GpuBuffer batchOnGpu = new GpuBuffer("training batch");

    public TrainingStep(Layer model, SGD optimizer) {
        this(model, optimizer, PLAIN);
    }

    public TrainingStep(Layer model, SGD optimizer, Hooks hooks) {
        if (model == null || optimizer == null || hooks == null)
            throw new IllegalArgumentException("a training step needs a model, an SGD and hooks (TrainingStep.PLAIN for none); got model "
                    + model + ", SGD " + optimizer + ", hooks " + hooks);
        this.model = model;
        this.blocks = Sequential.blocksOf(model);
        if (blocks.isEmpty())
            throw new IllegalArgumentException(model.name() + " has no blocks to train");
        this.optimizer = optimizer;
        this.hooks = hooks;
    }

    /** One step on {@code images} [N, ...] with class {@code labels} [N]. */
    public Result run(INDArray images, INDArray labels) {
        NativeMemory.releaseBetweenSteps();
        model.zeroGradients();
        Device device = model.device(); // where the parameters are: model.to(Device.gpu(0)) trains there
        double lossValue;
        long correct;
        if (device.isGpu()) {
            if (hooks.seesArrays())
                throw new IllegalStateException(model.name() + " is on " + device
                        + ": hooks that change arrays run on the CPU only; move the model with model.to(Device.cpu())");
            GpuArray x = batchOnGpu.get(device, DataType.FLOAT, images.shape()).copyFrom(images.castTo(DataType.FLOAT));
            hooks.beforeForward();
            try {
                lossValue = loss.forward(model.forward(x), labels);
                correct = correctCount(loss.probabilities(), labels);
                model.backwardToParameters(loss.backwardOnGpu());
            } finally {
                hooks.afterBackwardPass();
            }
        } else {
            hooks.beforeForward();
            try {
                INDArray x = images;
                for (int i = 0; i < blocks.size(); i++)
                    x = hooks.afterForward(i, blocks.get(i), blocks.get(i).forward(x));
                lossValue = loss.forward(x, labels);
                correct = correctCount(x, labels);
                INDArray g = hooks.lossGradient(loss.backward());
                for (int i = blocks.size() - 1; i >= 1; i--)
                    g = hooks.afterBackward(i, blocks.get(i), blocks.get(i).backward(g));
                blocks.get(0).backwardToParameters(g); // the images need no gradient
            } finally {
                hooks.afterBackwardPass();
            }
        }
        boolean apply = hooks.beforeUpdate();
        if (apply)
            optimizer.step();
        return new Result(lossValue, correct, labels.length(), apply);
    }

    /** The blocks the step runs one by one on the CPU. */
    public List<Layer> blocks() {
        return blocks;
    }

    /** Frees the batch's and the loss's GPU buffers (the model keeps its own until it moves back to the CPU). */
    public void freeGpuBuffers() {
        batchOnGpu.free();
        loss.freeGpuBuffers();
    }

    /** How many rows of {@code scores} (logits or probabilities) have their largest score at the label. */
    public static long correctCount(INDArray scores, INDArray labels) {
        INDArray predicted = scores.argMax(1).castTo(DataType.FLOAT);
        return predicted.eq(labels.castTo(DataType.FLOAT).reshape(predicted.shape())).castTo(DataType.INT).sumNumber().longValue();
    }
}
