package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.Dataset;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.TableView;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The linear scaling rule with warm-up (Goyal et al. 2017, "Accurate, Large Minibatch SGD: Training
 * ImageNet in 1 Hour"), tried out: the same network, the same data, the same number of epochs, at
 * several batch sizes, under three rules for the learning rate.
 * <ul>
 *   <li>{@link Rule#SAME_RATE}: the small batch's rate at every batch size. A batch k times larger
 *       takes k times fewer steps of the same size, so it covers less ground in the same epochs.</li>
 *   <li>{@link Rule#SCALED}: rate x k. One large step then does about what k small steps did, as long
 *       as the gradient changes little over those k steps.</li>
 *   <li>{@link Rule#SCALED_WITH_WARMUP}: rate x k, reached through a linear ramp over the first epochs,
 *       because early on, from random weights, the gradient changes fast and large steps can diverge.</li>
 * </ul>
 * Every run starts from the same initial weights and sees the images in the same order.
 */
public final class LinearScalingExperiment implements HtmlView {
    public enum Rule {
        SAME_RATE("same rate"), SCALED("rate x k"), SCALED_WITH_WARMUP("rate x k + warm-up");

        final String label;

        Rule(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One training run and where it ended. */
    public record Run(int batchSize, Rule rule, double learningRate, double trainLoss, double testAccuracy, double seconds) {
    }

    private final String model;
    private final int baseBatch, epochs, images;
    private final double baseRate, warmupEpochs;
    private final List<Run> runs;

    private LinearScalingExperiment(String model, int baseBatch, double baseRate, int epochs, int images, double warmupEpochs, List<Run> runs) {
        this.model = model;
        this.baseBatch = baseBatch;
        this.baseRate = baseRate;
        this.epochs = epochs;
        this.images = images;
        this.warmupEpochs = warmupEpochs;
        this.runs = List.copyOf(runs);
    }

    /**
     * Trains {@code model.apply(seed)} for {@code epochs} on {@code train} at {@code baseBatch} with
     * {@code baseRate}, then at each larger batch size under each rule (SGD, momentum 0.9, weight decay
     * 5e-4, constant rate after the warm-up); one line per run goes to {@code log}.
     */
    public static LinearScalingExperiment run(LongFunction<Sequential> model, Dataset train, Dataset test, int epochs,
                                              int baseBatch, double baseRate, int[] largerBatches, double warmupEpochs,
                                              long seed, Consumer<String> log) {
        if (epochs < 1 || baseBatch < 1 || !(baseRate > 0) || !(warmupEpochs > 0 && warmupEpochs < epochs))
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "needs epochs >= 1, base batch >= 1, base rate > 0 and 0 < warm-up < epochs; got %d, %d, %s, %s",
                    epochs, baseBatch, baseRate, warmupEpochs));
        for (int b : largerBatches)
            if (b <= baseBatch || b > train.size())
                throw new IllegalArgumentException("each larger batch must be > the base batch (" + baseBatch
                        + ") and <= the training images (" + train.size() + "), got " + Arrays.toString(largerBatches));
        List<Run> runs = new ArrayList<>();
        String name = model.apply(seed).name();
        runs.add(train(model, train, test, epochs, baseBatch, Rule.SAME_RATE, baseRate, 0, seed, log));
        for (int b : largerBatches) {
            double scaled = baseRate * b / baseBatch;
            runs.add(train(model, train, test, epochs, b, Rule.SAME_RATE, baseRate, 0, seed, log));
            runs.add(train(model, train, test, epochs, b, Rule.SCALED, scaled, 0, seed, log));
            runs.add(train(model, train, test, epochs, b, Rule.SCALED_WITH_WARMUP, scaled, warmupEpochs, seed, log));
        }
        return new LinearScalingExperiment(name, baseBatch, baseRate, epochs, train.size(), warmupEpochs, runs);
    }

    private static Run train(LongFunction<Sequential> model, Dataset train, Dataset test, int epochs, int batch, Rule rule,
                             double rate, double warmupEpochs, long seed, Consumer<String> log) {
        Sequential network = model.apply(seed);
        SGD sgd = new SGD(network.parameters(), rate).momentum(0.9).weightDecay(5e-4);
        LearningRateSchedule schedule = LearningRate.constant(rate);
        if (warmupEpochs > 0)
            schedule = LearningRate.warmup(schedule, warmupEpochs);
        Trainer trainer = new Trainer(network, sgd).schedule(schedule).quiet();
        long start = System.nanoTime();
        History h = trainer.fit(new DataLoader(train, batch).shuffle(seed), null, epochs);
        double accuracy = trainer.evaluate(new DataLoader(test, 1000)).accuracy();
        Run run = new Run(batch, rule, rate, h.last().trainLoss(), accuracy, (System.nanoTime() - start) / 1e9);
        log.accept(String.format(Locale.ROOT, "batch %4d, %-18s lr %.4f: train loss %.3f, test accuracy %.4f (%.1f s)",
                batch, rule, rate, run.trainLoss(), run.testAccuracy(), run.seconds()));
        return run;
    }

    public List<Run> runs() {
        return runs;
    }

    /** The run at the base batch size. */
    public Run base() {
        return runs.get(0);
    }

    public Run run(int batchSize, Rule rule) {
        if (batchSize == baseBatch)
            return base();
        return runs.stream().filter(r -> r.batchSize() == batchSize && r.rule() == rule).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run at batch " + batchSize + " with " + rule));
    }

    /** What it trained on, how long, from what. */
    public String budget() {
        return String.format(Locale.ROOT, "%s, %,d training images, %d epochs at every batch size; base: batch %d at rate %s; "
                        + "warm-up over %s epoch(s) from 1%% of the rate; SGD with momentum 0.9, weight decay 5e-4",
                model, images, epochs, baseBatch, baseRate, warmupEpochs);
    }

    public Table table() {
        Table t = Table.create("The linear scaling rule: " + budget(), IntColumn.create("batch"), IntColumn.create("k"),
                StringColumn.create("rule"), DoubleColumn.create("learning rate"), IntColumn.create("steps"),
                DoubleColumn.create("train loss"), DoubleColumn.create("test accuracy"), DoubleColumn.create("seconds"));
        for (Run r : runs) {
            t.intColumn("batch").append(r.batchSize());
            t.intColumn("k").append(r.batchSize() / baseBatch);
            t.stringColumn("rule").append(r.batchSize() == baseBatch ? "base" : r.rule().toString());
            t.doubleColumn("learning rate").append(r.learningRate());
            t.intColumn("steps").append(epochs * ((images + r.batchSize() - 1) / r.batchSize()));
            t.doubleColumn("train loss").append(Math.round(r.trainLoss() * 1000) / 1000.0);
            t.doubleColumn("test accuracy").append(Math.round(r.testAccuracy() * 10000) / 10000.0);
            t.doubleColumn("seconds").append(Math.round(r.seconds() * 10) / 10.0);
        }
        return t;
    }

    /** Test accuracy against batch size, one line per rule, all starting from the base run. */
    public Charts.XY chart() {
        var chart = Charts.line("Test accuracy vs batch size (same epochs)", "batch size (log)", "test accuracy").logX();
        for (Rule rule : Rule.values()) {
            List<Run> line = new ArrayList<>();
            line.add(base());
            runs.stream().filter(r -> r.batchSize() != baseBatch && r.rule() == rule).forEach(line::add);
            chart.series(rule.toString(), line.stream().mapToDouble(Run::batchSize).toArray(),
                    line.stream().mapToDouble(Run::testAccuracy).toArray());
        }
        return chart;
    }

    @Override
    public String toHtml() {
        return TableView.html(table());
    }

    @Override
    public String toString() {
        return TableView.text(table());
    }
}
