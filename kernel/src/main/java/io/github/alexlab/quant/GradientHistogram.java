package io.github.alexlab.quant;

import io.github.alexlab.data.Batch;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.quant.MixedPrecisionTraining.Format;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.TrainingStep;
import io.github.alexlab.viz.Charts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How large a network's gradients are, on a log2 scale: the counts of |g| in [2^e, 2^(e+1)) for
 * every exponent e, like Figure 3 of Micikevicius et al. 2018 (the activation gradients of an SSD
 * detector, many of them below FP16's range). Against it, the limits of FP16 show which gradients a
 * 16-bit backward pass would lose; the counts of those that would round to 0 are exact, kept as
 * every value goes in.
 */
public final class GradientHistogram {
    // Every float's exponent: subnormals go down to 2^-149, the largest floats reach 2^127.
    private static final int LOWEST = -149, HIGHEST = 127;

    private final String name;
    private final long[] counts = new long[HIGHEST - LOWEST + 1];
    private long zeros, nonzero, nonFinite;
    private final long[] roundToZero = new long[Format.values().length];
    private final long[] belowMinNormal = new long[Format.values().length];

    /** An empty histogram; {@code name} labels it in charts (e.g. "at initialisation"). */
    public GradientHistogram(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * The gradients of one FP32 training step of {@code model} on {@code batch}: the loss gradient,
     * every block's input gradient (except the first's, which training does not compute) and every
     * weight gradient. The model's gradients are zero again afterwards; its weights do not change.
     */
    public static GradientHistogram of(String name, Sequential model, Batch batch) {
        GradientHistogram h = new GradientHistogram(name);
        // The shared training step, watched: it records each gradient and skips the update.
        TrainingStep.Hooks record = new TrainingStep.Hooks() {
            @Override
            public INDArray lossGradient(INDArray gradient) {
                h.add(gradient);
                return gradient;
            }

            @Override
            public INDArray afterBackward(int index, Layer block, INDArray gradInput) {
                h.add(gradInput);
                return gradInput;
            }

            @Override
            public boolean beforeUpdate() {
                for (Parameter p : model.parameters())
                    h.add(p.gradient());
                return false; // the weights stay as they are
            }
        };
        model.train(true);
        try {
            new TrainingStep(model, new SGD(model.parameters(), 1e-3) /* never steps */, record).run(batch.images(), batch.labels());
        } finally {
            model.zeroGradients();
            model.train(false);
        }
        return h;
    }

    /** Adds every element of {@code values}. */
    public GradientHistogram add(INDArray values) {
        for (float v : values.castTo(DataType.FLOAT).dup('c').data().asFloat())
            add(v);
        return this;
    }

    public GradientHistogram add(float v) {
        if (!Float.isFinite(v)) {
            nonFinite++;
            return this;
        }
        if (v == 0) {
            zeros++;
            return this;
        }
        nonzero++;
        counts[Math.getExponent((double) v) - LOWEST]++; // as a double, a float subnormal has its true exponent
        for (Format f : Format.values()) {
            if (f.round(v) == 0)
                roundToZero[f.ordinal()]++;
            if (Math.abs(v) < f.minNormal)
                belowMinNormal[f.ordinal()]++;
        }
        return this;
    }

    /** Values counted, zeros included. */
    public long total() {
        return zeros + nonzero + nonFinite;
    }

    /** Values that were exactly 0 already in FP32 (ReLU's gradient is 0 wherever its input was negative). */
    public long zeros() {
        return zeros;
    }

    public long nonzero() {
        return nonzero;
    }

    /** How many nonzero values have |g| in [2^exponent, 2^(exponent+1)). */
    public long count(int exponent) {
        return exponent < LOWEST || exponent > HIGHEST ? 0 : counts[exponent - LOWEST];
    }

    /** The exponents of the smallest and the largest nonzero value. */
    public int lowestExponent() {
        requireValues();
        int e = LOWEST;
        while (counts[e - LOWEST] == 0)
            e++;
        return e;
    }

    public int highestExponent() {
        requireValues();
        int e = HIGHEST;
        while (counts[e - LOWEST] == 0)
            e--;
        return e;
    }

    /** Of the nonzero values, the share that {@code format} would round to exactly 0 (without loss scaling). */
    public double underflowShare(Format format) {
        return nonzero == 0 ? 0 : (double) roundToZero[format.ordinal()] / nonzero;
    }

    /** Of the nonzero values, the share below the format's smallest normal number (kept with fewer digits, or lost). */
    public double belowNormalShare(Format format) {
        return nonzero == 0 ? 0 : (double) belowMinNormal[format.ordinal()] / nonzero;
    }

    /**
     * The share of nonzero values in each log2 bin (in %, on a log axis, so that the thin tails show), one
     * line per histogram, with FP16's smallest subnormal and smallest normal (and its largest value, when a
     * gradient comes near it) drawn as vertical lines.
     */
    public static Charts.XY chart(String title, GradientHistogram... histograms) {
        if (histograms.length == 0)
            throw new IllegalArgumentException("chart: give at least one histogram");
        var chart = Charts.line(title, "log2 |gradient|", "% of the nonzero gradients (log)").logY();
        double top = 0, bottom = 100;
        int high = 0;
        for (GradientHistogram h : histograms) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (int e = h.lowestExponent(); e <= h.highestExponent(); e++)
                if (h.count(e) > 0) { // an empty bin has no place on a log axis
                    x.add((double) e);
                    y.add(100.0 * h.count(e) / h.nonzero);
                }
            chart.series(h.name, x, y);
            top = Math.max(top, y.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
            bottom = Math.min(bottom, y.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
            high = Math.max(high, h.highestExponent());
        }
        line(chart, "FP16 smallest subnormal 2^-24", Format.FP16.minSubnormal, bottom, top);
        line(chart, "FP16 smallest normal 2^-14", Format.FP16.minNormal, bottom, top);
        if (high >= 15)
            line(chart, "FP16 largest 65504", Format.FP16.max, bottom, top);
        return chart;
    }

    private static void line(Charts.XY chart, String name, float at, double bottom, double top) {
        double x = Math.log(at) / Math.log(2);
        chart.lines(name, new double[]{x, x}, new double[]{bottom, top});
    }

    private void requireValues() {
        if (nonzero == 0)
            throw new IllegalStateException("the histogram holds no nonzero gradient yet");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %,d gradient values: %,d exactly 0 in FP32; of the %,d others, %.3f%% would round to 0 in FP16 "
                        + "and %.3f%% lie below its smallest normal (2^-14); %.3f%% would round to 0 in BF16",
                name, total(), zeros, nonzero, 100 * underflowShare(Format.FP16), 100 * belowNormalShare(Format.FP16),
                100 * underflowShare(Format.BF16));
    }
}
