package io.github.alexlab.quant;

import io.github.alexlab.quant.MixedPrecisionTraining.Format;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.Numbers;
import io.github.alexlab.viz.Units;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;

/**
 * What one {@link MixedPrecisionTraining#fit} run did: its epochs, the loss of every step, the loss
 * scaler (with its history of S) and the gradients that rounding flushed to 0. Runs side by side make
 * a table and one chart of their loss curves.
 */
public record MixedPrecisionRun(String name, Format format, LossScaler scaler, List<Epoch> epochs, double[] stepLosses,
                                long nonzeroGradients, long flushedGradients) {

    /** One epoch: training figures, test figures (NaN without test data), underflow share, seconds of training. */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                        double underflowShare, int skippedSteps, double seconds) {}

    public Epoch last() {
        return epochs.get(epochs.size() - 1);
    }

    /** Of the gradients that were not zero before rounding, the share that became 0 (the whole run). */
    public double underflowShare() {
        return nonzeroGradients == 0 ? 0 : (double) flushedGradients / nonzeroGradients;
    }

    /** Seconds of training per epoch (the test after each epoch not counted). */
    public double secondsPerEpoch() {
        return epochs.stream().mapToDouble(Epoch::seconds).average().orElse(Double.NaN);
    }

    /** One row per run: final losses, test accuracy, underflow share, overflows and skipped steps, time. */
    public static Table table(List<MixedPrecisionRun> runs) {
        Table t = Table.create("Mixed precision, " + MixedPrecisionTraining.EMULATION, StringColumn.create("run"),
                StringColumn.create("loss scaling"), DoubleColumn.create("train loss"), DoubleColumn.create("test loss"),
                DoubleColumn.create("test accuracy"), DoubleColumn.create("gradients flushed to 0 (%)"),
                IntColumn.create("overflow steps"), IntColumn.create("skipped steps"), DoubleColumn.create("s per epoch"));
        for (MixedPrecisionRun r : runs) {
            t.stringColumn(0).append(r.name());
            t.stringColumn(1).append(r.scaler().toString());
            t.doubleColumn(2).append(Units.round3(r.last().trainLoss()));
            t.doubleColumn(3).append(Units.round3(r.last().testLoss()));
            t.doubleColumn(4).append(Math.round(1e4 * r.last().testAccuracy()) / 1e4);
            t.doubleColumn(5).append(Units.round3(100 * r.underflowShare()));
            t.intColumn(6).append(r.scaler().overflowSteps());
            t.intColumn(7).append(r.scaler().skippedSteps());
            t.doubleColumn(8).append(Units.round3(r.secondsPerEpoch()));
        }
        return t;
    }

    /** The training loss of every step, one line per run. */
    public static Charts.XY lossChart(List<MixedPrecisionRun> runs) {
        Charts.XY chart = Charts.line("Training loss per step", "step", "cross-entropy");
        for (MixedPrecisionRun r : runs)
            chart.series(r.name(), r.stepLosses());
        return chart;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: train loss %.4f, test accuracy %.2f%%, %s of gradients flushed to 0, "
                        + "%d steps skipped, %s per epoch%s", name, last().trainLoss(), 100 * last().testAccuracy(),
                Numbers.percentSignificant(underflowShare(), 3),
                scaler.skippedSteps(), Units.time(secondsPerEpoch()),
                format == Format.FP32 ? "" : " (" + MixedPrecisionTraining.EMULATION + ")");
    }
}
