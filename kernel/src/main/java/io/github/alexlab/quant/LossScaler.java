package io.github.alexlab.quant;

import io.github.alexlab.viz.Charts;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Loss scaling for FP16 training (Micikevicius et al. 2018, "Mixed Precision Training", ICLR,
 * section 3.2).
 * <p>
 * <b>Why.</b> Many gradients of a network are tiny: in FP32 they are fine, but FP16's smallest
 * subnormal is 2^-24 (6e-8) and everything below half of it rounds to 0. Gradients are linear in
 * the loss, so multiplying the loss by S multiplies every gradient of the backward pass by S too:
 * it shifts them up into FP16's range, where they survive. Before the weights are updated (in FP32)
 * the gradients are divided by S again, and the update is the one FP32 would have made.
 * <p>
 * <b>The catch.</b> Shift too far and the largest gradients pass FP16's largest value, 65504, and
 * become infinity. A step with an inf or NaN gradient must not reach the weights.
 * <ul>
 *   <li>A <b>fixed</b> scale trusts you to pick S well (the paper used fixed factors, such as 8 for its
 *       SSD detector and 128 for a language model): it never changes and never skips a step, so an
 *       overflow would go into the weights.
 *       {@link #none()} is S = 1: plain FP16, no scaling at all.</li>
 *   <li>A <b>dynamic</b> scale finds S itself. It starts high; a step whose gradients hold an inf or
 *       NaN is skipped (the paper's "skip the weight update when an overflow is detected") and S is
 *       halved; after {@code growthInterval} good steps in a row S is doubled, to try a larger one
 *       again. This is the schedule of NVIDIA's mixed-precision recipe, and of PyTorch's GradScaler
 *       (which doubles after 2000 good steps). S never falls below 1, as in DeepSpeed: below that,
 *       scaling only makes underflow worse, and an overflow at S = 1 is not a gradient problem.</li>
 * </ul>
 * Powers of two are the natural scales: multiplying or dividing by 2^k changes only the exponent of
 * a number, so scaling itself adds no rounding error.
 * <p>
 * The scaler keeps a history, one entry per step (the scale used, whether it overflowed, whether it
 * was skipped), for a chart of S over time.
 */
public final class LossScaler {
    /** PyTorch's and apex's default: doubling after 2000 good steps in a row. */
    public static final int DEFAULT_GROWTH_INTERVAL = 2000;
    /**
     * Where a dynamic scale starts by default: 2^15, the largest power of two FP16 holds (PyTorch starts at
     * 2^16). Starting high is safe: the first overflows bring S down to what the gradients allow.
     */
    public static final double DEFAULT_INITIAL_SCALE = 0x1p15;
    /** A dynamic scale never falls below this. */
    public static final double MIN_SCALE = 1;

    /** One step as the scaler saw it. */
    public record Step(int step, double scale, boolean overflow, boolean skipped) {}

    private final boolean dynamic;
    private final int growthInterval;
    private double scale;
    private int goodStepsInARow;
    private final List<Step> history = new ArrayList<>();

    private LossScaler(boolean dynamic, double scale, int growthInterval) {
        if (!(scale > 0 && Double.isFinite(scale)))
            throw new IllegalArgumentException("a loss scale must be a finite number > 0, got " + scale);
        if (dynamic && scale < MIN_SCALE)
            throw new IllegalArgumentException("a dynamic loss scale starts at " + MIN_SCALE + " or more, got " + scale);
        if (growthInterval < 1)
            throw new IllegalArgumentException("the growth interval is a number of steps >= 1, got " + growthInterval);
        this.dynamic = dynamic;
        this.scale = scale;
        this.growthInterval = growthInterval;
    }

    /** No scaling: S = 1, fixed (what FP16 training does without loss scaling). */
    public static LossScaler none() {
        return fixed(1);
    }

    /** A fixed scale S (best a power of two, e.g. 1024): never changes, never skips a step. */
    public static LossScaler fixed(double scale) {
        return new LossScaler(false, scale, DEFAULT_GROWTH_INTERVAL);
    }

    /** A dynamic scale from 2^15, doubled after 2000 good steps in a row. */
    public static LossScaler dynamic() {
        return dynamic(DEFAULT_INITIAL_SCALE, DEFAULT_GROWTH_INTERVAL);
    }

    /** A dynamic scale from {@code initialScale}, doubled after {@code growthInterval} good steps in a row. */
    public static LossScaler dynamic(double initialScale, int growthInterval) {
        return new LossScaler(true, initialScale, growthInterval);
    }

    /** The scale S for the next step. */
    public double scale() {
        return scale;
    }

    public boolean isDynamic() {
        return dynamic;
    }

    public int growthInterval() {
        return growthInterval;
    }

    /** g * S, a new array: the loss gradient, scaled before it goes backward. */
    public INDArray scaled(INDArray lossGradient) {
        return lossGradient.mul(scale);
    }

    /** g / S in place: a gradient back in its true units, in FP32, before the weights see it. */
    public INDArray unscale(INDArray gradient) {
        return scale == 1 ? gradient : gradient.divi(scale);
    }

    /** True if any element is infinite or NaN: what an overflow leaves behind. */
    public static boolean hasInfOrNaN(INDArray x) {
        // x - x is 0 for every finite number and NaN for inf and NaN; its sum is NaN if any was.
        return !Double.isFinite(x.sub(x).sumNumber().doubleValue());
    }

    /**
     * Records the step whose gradients were just computed at {@link #scale()} and says whether its
     * update may go ahead. A dynamic scaler skips an overflowed step and halves S; after
     * {@link #growthInterval()} good steps in a row it doubles S. A fixed scaler never changes and
     * never skips.
     */
    public boolean update(boolean overflow) {
        boolean skip = dynamic && overflow;
        history.add(new Step(history.size(), scale, overflow, skip));
        if (!dynamic)
            return true;
        if (overflow) {
            scale = Math.max(MIN_SCALE, scale / 2);
            goodStepsInARow = 0;
            return false;
        }
        goodStepsInARow++;
        if (goodStepsInARow == growthInterval) {
            scale *= 2;
            goodStepsInARow = 0;
        }
        return true;
    }

    /** Every step so far, in order. */
    public List<Step> history() {
        return Collections.unmodifiableList(history);
    }

    /** The scale used at each step so far. */
    public double[] scales() {
        return history.stream().mapToDouble(Step::scale).toArray();
    }

    public int steps() {
        return history.size();
    }

    /** Steps whose gradients held an inf or NaN. */
    public int overflowSteps() {
        return (int) history.stream().filter(Step::overflow).count();
    }

    /** Steps whose update was dropped (only a dynamic scaler drops any). */
    public int skippedSteps() {
        return (int) history.stream().filter(Step::skipped).count();
    }

    /** log2 S against the step, with the skipped steps marked. */
    public Charts.XY chart() {
        if (history.isEmpty())
            throw new IllegalStateException("the loss scaler has seen no step yet: nothing to draw");
        Charts.XY chart = Charts.line((dynamic ? "Dynamic" : "Fixed") + " loss scale per step", "step", "log2 S")
                .series("log2 S", steps(history), log2Scales(history));
        List<Step> skipped = history.stream().filter(Step::skipped).toList();
        if (!skipped.isEmpty())
            chart.points("skipped (overflow)", steps(skipped), log2Scales(skipped));
        return chart;
    }

    private static double[] steps(List<Step> steps) {
        return steps.stream().mapToDouble(Step::step).toArray();
    }

    private static double[] log2Scales(List<Step> steps) {
        return steps.stream().mapToDouble(s -> Math.log(s.scale()) / Math.log(2)).toArray();
    }

    /** The scale written as a power of two when it is one ("2^15"), else as a number. */
    static String describe(double scale) {
        int exponent = Math.getExponent(scale);
        return Math.scalb(1.0, exponent) == scale ? "2^" + exponent : String.format(Locale.ROOT, "%g", scale);
    }

    @Override
    public String toString() {
        if (!dynamic)
            return scale == 1 ? "no loss scaling" : "fixed loss scale " + describe(scale);
        return "dynamic loss scale, now " + describe(scale) + " (halved on overflow, doubled after "
                + growthInterval + " good steps)";
    }
}
