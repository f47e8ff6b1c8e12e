package io.github.alexlab.quant;

import io.github.alexlab.data.Batch;
import io.github.alexlab.data.DataLoader;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.train.Evaluation;
import io.github.alexlab.train.LearningRateSchedule;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.TrainingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mixed-precision training (Micikevicius et al. 2018, "Mixed Precision Training", ICLR), emulated
 * on the CPU: every number is rounded to the 16-bit format where a GPU would store it in that
 * format, so the numbers are the GPU's; the speed is not (the CPU computes in FP32 and rounds in a
 * Java loop afterwards, which only costs time). One step:
 * <pre>
 *   1. the FP32 master weights, rounded to the format, are what the model computes with
 *   2. forward: every layer's output is rounded to the format (activations stored in 16 bits)
 *   3. the loss gradient is multiplied by the loss scale S and rounded
 *   4. backward: every gradient (each layer's input gradient, each weight gradient) is rounded:
 *      here small gradients underflow to 0, and too large ones overflow to infinity
 *   5. the weight gradients are divided by S, in FP32, and checked for inf/NaN
 *   6. unless the scaler skips the step, SGD updates the FP32 master weights
 * </pre>
 * Why master weights in FP32: an update lr * g is often smaller than half the gap between a weight
 * and the next FP16 number (2^-11 of the weight), so added to an FP16 weight it would vanish; added
 * to an FP32 weight it counts (the paper, section 3.1). Products are summed in FP32, as tensor cores
 * do: only the stored results are rounded.
 * <p>
 * It counts, over the whole backward pass, the gradients that were not zero before rounding and the
 * ones that became exactly 0: the underflow share. The step is the {@link TrainingStep} that
 * {@link io.github.alexlab.train.Trainer} runs, with hooks that round and scale; {@link Format#FP32}
 * rounds nothing and is Trainer's step exactly.
 */
public final class MixedPrecisionTraining {
    /** The number formats, with their limits (FP32's from {@link Float}). */
    public enum Format {
        FP32(32, 23, Float.MAX_VALUE, Float.MIN_NORMAL, Float.MIN_VALUE, Math.ulp(1f)),
        FP16(16, 10, Fp16.MAX, Fp16.MIN_NORMAL, Fp16.MIN_SUBNORMAL, Fp16.EPSILON),
        BF16(16, 7, Bf16.MAX, Bf16.MIN_NORMAL, Bf16.MIN_SUBNORMAL, Bf16.EPSILON);

        public final int bits, fractionBits;
        public final float max, minNormal, minSubnormal, epsilon;

        Format(int bits, int fractionBits, float max, float minNormal, float minSubnormal, float epsilon) {
            this.bits = bits;
            this.fractionBits = fractionBits;
            this.max = max;
            this.minNormal = minNormal;
            this.minSubnormal = minSubnormal;
            this.epsilon = epsilon;
        }

        /** {@code value} as this format holds it (round to nearest, ties to even). */
        public float round(float value) {
            return switch (this) {
                case FP32 -> value;
                case FP16 -> Fp16.round(value);
                case BF16 -> Bf16.round(value);
            };
        }

        public int bytes() {
            return bits / 8;
        }
    }

    /** One training step: its loss, and what rounding did to its gradients. */
    public record Step(double loss, long correct, long examples, long nonzeroGradients, long flushedGradients,
                       boolean overflow, boolean applied) {}

    /** What this class is, and is not, in one line. */
    public static final String EMULATION = "emulated on the CPU: the numbers are rounded as a GPU's would be, the speed is not a GPU's";

    private final String name;
    private final Sequential model;
    private final List<Parameter> parameters;
    private final SGD optimizer;
    private final Format format;
    private final LossScaler scaler;
    private final Rounding rounding = new Rounding();
    private final TrainingStep trainingStep;
    private LearningRateSchedule schedule;

    /** Trains {@code model} (on the CPU, in FLOAT) with {@code optimizer}, computing in {@code format}. */
    public MixedPrecisionTraining(String name, Sequential model, SGD optimizer, Format format, LossScaler scaler) {
        List<String> missing = new ArrayList<>();
        if (model == null) missing.add("model");
        if (optimizer == null) missing.add("SGD");
        if (format == null) missing.add("format");
        if (scaler == null) missing.add("loss scaler");
        if (!missing.isEmpty())
            throw new IllegalArgumentException("MixedPrecisionTraining needs a model, an SGD, a format and a loss scaler; missing: "
                    + String.join(", ", missing));
        if (model.device().isGpu())
            throw new IllegalArgumentException(model.name() + " is on " + model.device()
                    + ": this emulation runs on the CPU; move it back with model.to(Device.cpu())");
        Set<Parameter> trained = new HashSet<>(optimizer.parameters());
        for (Parameter p : model.parameters()) {
            if (p.value().dataType() != DataType.FLOAT)
                throw new IllegalArgumentException(model.name() + ": parameter " + p + " is not FLOAT; the master weights are FP32");
            if (!trained.contains(p))
                throw new IllegalArgumentException("the SGD does not train " + model.name() + "'s parameter " + p
                        + ": make it with new SGD(model.parameters(), ...)");
        }
        this.name = name;
        this.model = model;
        this.parameters = model.parameters();
        this.optimizer = optimizer;
        this.format = format;
        this.scaler = scaler;
        this.trainingStep = new TrainingStep(model, optimizer, rounding);
    }

    /** Sets the learning rate before every step from a schedule, as {@link io.github.alexlab.train.Trainer} does. */
    public MixedPrecisionTraining schedule(LearningRateSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    public Format format() {
        return format;
    }

    public LossScaler scaler() {
        return scaler;
    }

    /** Trains for {@code epochs} epochs; {@code test} may be null. Ends in evaluation mode. */
    public MixedPrecisionRun fit(DataLoader train, DataLoader test, int epochs) {
        if (epochs < 1)
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        List<MixedPrecisionRun.Epoch> done = new ArrayList<>();
        List<Double> stepLosses = new ArrayList<>();
        long nonzero = 0, flushed = 0;
        int batches = train.numberOfBatches();
        try {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long start = System.nanoTime();
                model.train(true);
                double lossSum = 0;
                long seen = 0, correct = 0, epochNonzero = 0, epochFlushed = 0;
                int b = 0, skippedBefore = scaler.skippedSteps();
                for (Batch batch : train) {
                    if (schedule != null)
                        optimizer.setLearningRate(schedule.rate(epoch - 1 + (double) b++ / batches));
                    Step s = step(batch);
                    stepLosses.add(s.loss());
                    lossSum += s.loss() * s.examples();
                    seen += s.examples();
                    correct += s.correct();
                    epochNonzero += s.nonzeroGradients();
                    epochFlushed += s.flushedGradients();
                }
                double seconds = (System.nanoTime() - start) / 1e9; // the test below is not part of the epoch's time
                nonzero += epochNonzero;
                flushed += epochFlushed;
                Evaluation e = test == null ? null : evaluate(test);
                done.add(new MixedPrecisionRun.Epoch(epoch, lossSum / seen, (double) correct / seen, e == null ? Double.NaN : e.loss(),
                        e == null ? Double.NaN : e.accuracy(), epochNonzero == 0 ? 0 : (double) epochFlushed / epochNonzero,
                        scaler.skippedSteps() - skippedBefore, seconds));
            }
        } finally {
            model.train(false);
        }
        return new MixedPrecisionRun(name, format, scaler, List.copyOf(done), stepLosses.stream().mapToDouble(Double::doubleValue).toArray(),
                nonzero, flushed);
    }

    /**
     * One training step on a batch (steps 1 to 6 of the class comment): the {@link TrainingStep}
     * every trainer runs, with {@link Rounding}'s hooks.
     */
    public Step step(Batch batch) {
        rounding.counts = new RoundingCounts();
        TrainingStep.Result r = trainingStep.run(batch.images(), batch.labels());
        RoundingCounts counts = rounding.counts;
        return new Step(r.loss(), r.correct(), r.examples(), counts.nonzero, counts.flushed, rounding.overflow, r.applied());
    }

    /** Where the format enters the shared training step. */
    private final class Rounding implements TrainingStep.Hooks {
        RoundingCounts counts = new RoundingCounts();
        boolean overflow;
        private List<INDArray> master = List.of();

        /** Step 1: the model computes with the rounded weights. */
        @Override
        public void beforeForward() {
            master = useRoundedWeights();
        }

        /** Step 2: activations are stored in the format (forward rounding is not counted). */
        @Override
        public INDArray afterForward(int index, Layer block, INDArray output) {
            return round(output, null);
        }

        /** Step 3: the loss gradient, scaled by S and rounded. */
        @Override
        public INDArray lossGradient(INDArray gradient) {
            return round(scaler.scaled(gradient), counts);
        }

        /** Step 4: each input gradient, rounded. */
        @Override
        public INDArray afterBackward(int index, Layer block, INDArray gradInput) {
            return round(gradInput, counts);
        }

        @Override
        public void afterBackwardPass() {
            restore(master); // SGD updates the FP32 master weights, never the rounded ones
            master = List.of();
        }

        /** Steps 4 and 5: each weight gradient rounded, unscaled in FP32 and checked; step 6 only if all are finite (or the scaler allows). */
        @Override
        public boolean beforeUpdate() {
            overflow = false;
            for (Parameter p : parameters) {
                INDArray gradient = p.gradient();
                if (format != Format.FP32)
                    gradient.assign(round(gradient, counts)); // the weight gradient as the format stores it
                scaler.unscale(gradient);                 // back to its true size, in FP32
                overflow |= LossScaler.hasInfOrNaN(gradient);
            }
            overflow |= counts.nonFinite > 0;
            return scaler.update(overflow);
        }
    }

    /** The model's output for a batch, computed as in training: weights and activations in the format. */
    public INDArray forward(INDArray images) {
        List<INDArray> master = useRoundedWeights();
        try {
            return forwardInFormat(images);
        } finally {
            restore(master);
        }
    }

    /** Test loss and accuracy, the model computing in the format (as it would be deployed). */
    public Evaluation evaluate(DataLoader data) {
        if (format == Format.FP32)
            return Evaluation.of(model, data, null);
        return Evaluation.of(asLayer(), data, null);
    }

    /** The model computing in the format, as a block that can only go forward (for {@link Evaluation}). */
    public Layer asLayer() {
        return new ForwardOnlyLayer(model.name() + " in " + format, this::forward, model);
    }

    private INDArray forwardInFormat(INDArray images) {
        INDArray x = images;
        for (Layer block : trainingStep.blocks())
            x = round(block.forward(x), null);
        return x;
    }

    /** Puts the rounded weights into the model and returns the FP32 masters (nothing to do in FP32). */
    private List<INDArray> useRoundedWeights() {
        if (format == Format.FP32)
            return List.of();
        List<INDArray> master = new ArrayList<>();
        for (Parameter p : parameters) {
            master.add(p.value().dup());
            p.value().assign(round(p.value(), null));
        }
        return master;
    }

    private void restore(List<INDArray> master) {
        for (int i = 0; i < master.size(); i++)
            parameters.get(i).value().assign(master.get(i));
    }

    /** Every element rounded to the format; with {@code counts}, also counts underflow and overflow. */
    private INDArray round(INDArray x, RoundingCounts counts) {
        return RoundingCounts.round(x, format, counts);
    }

    @Override
    public String toString() {
        return "MixedPrecisionTraining(" + name + ": " + model.name() + " in " + format + ", " + scaler + ", " + optimizer + "; "
                + (format == Format.FP32 ? "plain FP32, nothing rounded" : EMULATION) + ")";
    }
}
