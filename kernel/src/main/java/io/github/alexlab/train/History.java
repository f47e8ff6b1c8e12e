package io.github.alexlab.train;

import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.Numbers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * What a training run measured, one row per finished epoch: the numbers behind the curves.
 * Test figures are NaN when the run had no test data.
 */
public final class History {
    /** One finished epoch. */
    public record Epoch(int epoch, double learningRate, double trainLoss, double trainAccuracy,
                        double testLoss, double testAccuracy, double seconds) {}

    private final String name;
    private final List<Epoch> epochs = new ArrayList<>();
    private boolean interrupted;
    private int steps;

    public History(String name) {
        this.name = name;
    }

    void add(Epoch e) {
        epochs.add(e);
    }

    void markInterrupted() {
        interrupted = true;
    }

    void countStep() {
        steps++;
    }

    /** How many optimizer steps the run finished (an interrupted run may end inside an epoch). */
    public int steps() {
        return steps;
    }

    public String name() {
        return name;
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** True when the run was stopped (Kernel > Interrupt) before its last epoch ended. */
    public boolean interrupted() {
        return interrupted;
    }

    /** The last finished epoch, or null before the first one ends. */
    public Epoch last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    /** Mean seconds of training per epoch, the evaluation after each epoch not counted (NaN with no finished epoch). */
    public double secondsPerEpoch() {
        return epochs.stream().mapToDouble(Epoch::seconds).average().orElse(Double.NaN);
    }

    /**
     * One row per epoch. The columns hold the exact values (for code); they show rounded for
     * people: losses to 4 significant digits, accuracies in percent, the learning rate as 0.01 or
     * 4.8e-4, seconds to a tenth.
     */
    public Table toTable() {
        Table t = Table.create(interrupted ? name + " (interrupted after " + steps + " steps)" : name);
        t.addColumns(IntColumn.create("epoch", epochs.stream().mapToInt(Epoch::epoch).toArray()),
                column("learning rate", Epoch::learningRate, x -> Numbers.significant(x, 3)),
                column("train loss", Epoch::trainLoss, x -> Numbers.significant(x, 4)),
                column("train accuracy", Epoch::trainAccuracy, x -> Numbers.percent(x, 2)),
                column("test loss", Epoch::testLoss, x -> Numbers.significant(x, 4)),
                column("test accuracy", Epoch::testAccuracy, x -> Numbers.percent(x, 2)),
                column("seconds", Epoch::seconds, x -> String.format(Locale.ROOT, "%.1f", x)));
        return t;
    }

    private DoubleColumn column(String title, ToDoubleFunction<Epoch> value, DoubleFunction<String> shown) {
        DoubleColumn column = DoubleColumn.create(title, epochs.stream().mapToDouble(value).toArray());
        column.setPrintFormatter(Numbers.column(shown));
        return column;
    }

    /** Training and test loss per epoch. */
    public Charts.XY lossChart() {
        return curves(name + ": loss", "cross-entropy", Epoch::trainLoss, Epoch::testLoss);
    }

    /** Training and test accuracy per epoch. */
    public Charts.XY accuracyChart() {
        return curves(name + ": accuracy", "accuracy", Epoch::trainAccuracy, Epoch::testAccuracy);
    }

    private Charts.XY curves(String title, String yLabel, ToDoubleFunction<Epoch> train, ToDoubleFunction<Epoch> test) {
        double[] x = epochs.stream().mapToDouble(Epoch::epoch).toArray();
        Charts.XY chart = Charts.line(title, "epoch", yLabel).series("train", x, epochs.stream().mapToDouble(train).toArray());
        if (epochs.stream().anyMatch(e -> !Double.isNaN(test.applyAsDouble(e)))) // no test data: no test curve
            chart.series("test", x, epochs.stream().mapToDouble(test).toArray());
        return chart;
    }

    @Override
    public String toString() {
        Epoch e = last();
        return name + ": " + epochs.size() + " epochs" + (interrupted ? " (interrupted after " + steps + " steps)" : "")
                + (e == null ? "" : String.format(Locale.ROOT, ", last: train loss %.4f, train accuracy %.3f, test accuracy %.3f",
                e.trainLoss(), e.trainAccuracy(), e.testAccuracy()));
    }
}
