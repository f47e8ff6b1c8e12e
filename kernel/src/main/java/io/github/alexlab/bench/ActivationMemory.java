package io.github.alexlab.bench;

import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.MemoryLedger;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.TrainingStep;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.Units;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.Arrays;
import java.util.Locale;

/**
 * The memory training needs, computed from a model's shapes: what grows with the batch (every
 * layer's output, kept for backward, and a gradient of the same size) and what does not (the
 * weights, their gradients and SGD's momentum: three copies of the parameters). In FP32, 4 bytes each.
 * <p>
 * The computed figure is a floor: a real step also needs workspaces (cuDNN's convolution algorithms,
 * im2col buffers) and the allocator's rounding. {@link #measureOnGpu} reads the real peak from the
 * {@link MemoryLedger}, which records every byte our GPU arrays hold.
 *
 * @param parameters       the model's parameter count
 * @param floatsPerImage   outputs of every layer for one image (the input included)
 */
public record ActivationMemory(String model, long parameters, long floatsPerImage) {

    /** Counts the shapes of {@code model} for images of {@code imageShape} = [channels, height, width]. */
    public static ActivationMemory of(Sequential model, long... imageShape) {
        if (imageShape.length != 3)
            throw new IllegalArgumentException("imageShape is [channels, height, width], got " + Arrays.toString(imageShape));
        long[] shape = {1, imageShape[0], imageShape[1], imageShape[2]};
        long floats = product(shape);
        for (Layer layer : model.layers()) {
            shape = layer.outputShape(shape);
            floats += product(shape);
        }
        return new ActivationMemory(model.name(), model.parameterCount(), floats);
    }

    /** Bytes that grow with the batch: activations kept for backward plus their gradients. */
    public long activationBytes(long batchSize) {
        requireBatch(batchSize);
        return 2L * Float.BYTES * floatsPerImage * batchSize;
    }

    /** Bytes that do not: weights, gradients, momentum. */
    public long parameterBytes() {
        return 3L * Float.BYTES * parameters;
    }

    public long trainingBytes(long batchSize) {
        return activationBytes(batchSize) + parameterBytes();
    }

    /** The largest batch whose training fits in {@code bytes} (0 if not even the parameters fit). */
    public long largestBatch(long bytes) {
        long free = bytes - parameterBytes();
        return free <= 0 ? 0 : free / (2L * Float.BYTES * floatsPerImage);
    }

    /** The computed bytes for each batch size, split into activations and parameters. */
    public Table table(int... batchSizes) {
        Table t = Table.create(model + ": training memory (computed from the shapes)", IntColumn.create("batch"),
                DoubleColumn.create("activations + gradients MiB"), DoubleColumn.create("parameters x3 MiB"),
                DoubleColumn.create("total MiB"), DoubleColumn.create("activation share %"));
        for (int b : batchSizes) {
            t.intColumn(0).append(b);
            t.doubleColumn(1).append(Units.round3(activationBytes(b) / 1048576.0));
            t.doubleColumn(2).append(Units.round3(parameterBytes() / 1048576.0));
            t.doubleColumn(3).append(Units.round3(trainingBytes(b) / 1048576.0));
            t.doubleColumn(4).append(Math.round(1000.0 * activationBytes(b) / trainingBytes(b)) / 10.0);
        }
        return t;
    }

    /** Total training memory against batch size (log-log), computed; measured points can be added by the caller. */
    public Charts.XY chart(int... batchSizes) {
        double[] x = Arrays.stream(batchSizes).asDoubleStream().toArray();
        double[] y = Arrays.stream(batchSizes).mapToDouble(b -> trainingBytes(b) / 1048576.0).toArray();
        return Charts.line("Training memory vs batch size", "batch size (log)", "MiB (log)").logX().logY()
                .series(model + " (computed)", x, y);
    }

    /**
     * The peak GPU memory of one training step at {@code batchSize}, read from the ledger: the model must
     * be on the GPU. Everything the step allocates counts (the batch, every block's buffers, the loss,
     * SGD's momentum, cuDNN's workspace); buffers the model already held count too.
     */
    public static long measureOnGpu(Sequential model, long[] imageShape, int batchSize) {
        Device gpu = model.device();
        if (!gpu.isGpu())
            throw new IllegalStateException("measureOnGpu: the model is on " + gpu + "; move it with model.to(Device.gpu(0))");
        requireBatch(batchSize);
        MemoryLedger ledger = MemoryLedger.global();
        model.freeGpuBuffers(); // start from the parameters alone
        ledger.resetPeak(gpu.index());
        SGD sgd = new SGD(model.parameters(), 1e-6).momentum(0.9);
        TrainingStep step = new TrainingStep(model, sgd); // the step Trainer runs, the batch's copy included
        INDArray x = Nd4j.rand(DataType.FLOAT, batchSize, imageShape[0], imageShape[1], imageShape[2]);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batchSize);
        model.train(true);
        try {
            step.run(x, labels);
            gpu.synchronize();
            return ledger.peakBytes(gpu.index());
        } finally {
            model.train(false);
            step.freeGpuBuffers();
            sgd.velocitiesToHost();
            model.freeGpuBuffers();
        }
    }

    private static void requireBatch(long batchSize) {
        if (batchSize < 1)
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long s : shape)
            p *= s;
        return p;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %,d parameters (%s with gradients and momentum), %,d activation floats per image (%s per image with gradients)",
                model, parameters, Units.bytes(parameterBytes()), floatsPerImage, Units.bytes(2.0 * Float.BYTES * floatsPerImage));
    }
}
