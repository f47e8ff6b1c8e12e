package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.Dataset;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.Escape;
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
import java.util.Optional;
import java.util.TreeSet;
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

    /**
     * The larger batch sizes an experiment runs, fitted to its training images: the ones asked for
     * that fit, and where too few fit, the largest base x 2^j that do, so that the comparison keeps
     * at least two larger batches (one if only one was asked for). {@code note} says what changed
     * (empty when nothing did); {@code skipped} says why nothing runs (empty when it does).
     */
    public record Batches(int[] larger, String note, Optional<String> skipped) {
        public Batches {
            larger = larger.clone();
        }

        @Override
        public int[] larger() {
            return larger.clone();
        }

        @Override
        public String toString() {
            return skipped.orElse("larger batches " + Arrays.toString(larger) + (note.isEmpty() ? "" : ": " + note));
        }
    }

    private final String model;
    private final int baseBatch, epochs, images;
    private final double baseRate, warmupEpochs;
    private final Batches batches;
    private final List<Run> runs;

    private LinearScalingExperiment(String model, int baseBatch, double baseRate, int epochs, int images,
                                    double warmupEpochs, Batches batches, List<Run> runs) {
        this.model = model;
        this.baseBatch = baseBatch;
        this.baseRate = baseRate;
        this.epochs = epochs;
        this.images = images;
        this.warmupEpochs = warmupEpochs;
        this.batches = batches;
        this.runs = List.copyOf(runs);
    }

    /**
     * The larger batches that {@code images} training images allow (see {@link Batches}). A batch
     * size at or below the base batch is a mistake in the call and is refused; too little data is
     * not: it scales the experiment down, or skips it, and says so.
     */
    public static Batches fit(int baseBatch, int[] largerBatches, int images) {
        if (baseBatch < 1 || largerBatches.length == 0)
            throw new IllegalArgumentException("needs a base batch >= 1 and at least one larger batch; got "
                    + baseBatch + " and " + Arrays.toString(largerBatches));
        for (int b : largerBatches)
            if (b <= baseBatch)
                throw new IllegalArgumentException("each larger batch must be > the base batch (" + baseBatch
                        + "), got " + Arrays.toString(largerBatches));
        int wanted = Math.min(2, largerBatches.length);
        TreeSet<Integer> kept = new TreeSet<>();
        for (int b : largerBatches)
            if (b <= images)
                kept.add(b);
        // Too few fit: add the largest multiples base x 2^j of the base batch that do
        for (long b = Long.highestOneBit(Math.max(1, images / baseBatch)) * baseBatch;
             kept.size() < wanted && b > baseBatch; b /= 2)
            kept.add((int) b);
        if (kept.size() < wanted)
            return new Batches(new int[0], "", Optional.of(String.format(Locale.ROOT,
                    "The linear scaling experiment was skipped: comparing batch %,d with %s needs at least "
                            + "%,d training images, and the data has %,d.",
                    baseBatch, wanted == 1 ? "a larger batch" : "two larger batches", (long) baseBatch << wanted,
                    images)));
        int[] larger = kept.stream().mapToInt(Integer::intValue).toArray();
        int[] asked = Arrays.stream(largerBatches).distinct().sorted().toArray();
        if (Arrays.equals(larger, asked))
            return new Batches(larger, "", Optional.empty());
        return new Batches(larger, String.format(Locale.ROOT,
                "The data has %,d training images, fewer than a batch of %,d: %s %s instead of %s.",
                images, asked[asked.length - 1], larger.length == 1 ? "batch" : "batches",
                batchList(larger), batchList(asked)), Optional.empty());
    }

    /** "512", "512 and 1,024", "128, 256 and 512". */
    private static String batchList(int[] batches) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < batches.length; i++) {
            if (i > 0)
                s.append(i == batches.length - 1 ? " and " : ", ");
            s.append(String.format(Locale.ROOT, "%,d", batches[i]));
        }
        return s.toString();
    }

    /**
     * Trains {@code model.apply(seed)} for {@code epochs} on {@code train} at {@code baseBatch} with
     * {@code baseRate}, then at each larger batch size under each rule (SGD, momentum 0.9, weight decay
     * 5e-4, constant rate after the warm-up); one line per run goes to {@code log}. Larger batches
     * than the training set holds are replaced by ones it allows, or the experiment is skipped, as
     * {@link #fit} says; that sentence goes to {@code log} first.
     */
    public static LinearScalingExperiment run(LongFunction<Sequential> model, Dataset train, Dataset test, int epochs,
                                              int baseBatch, double baseRate, int[] largerBatches, double warmupEpochs,
                                              long seed, Consumer<String> log) {
        if (epochs < 1 || baseBatch < 1 || !(baseRate > 0) || !(warmupEpochs > 0 && warmupEpochs < epochs))
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "needs epochs >= 1, base batch >= 1, base rate > 0 and 0 < warm-up < epochs; got %d, %d, %s, %s",
                    epochs, baseBatch, baseRate, warmupEpochs));
        Batches batches = fit(baseBatch, largerBatches, train.size());
        batches.skipped().ifPresent(log);
        if (!batches.note().isEmpty())
            log.accept(batches.note());
        List<Run> runs = new ArrayList<>();
        String name = model.apply(seed).name();
        if (batches.skipped().isEmpty())
            runs.add(train(model, train, test, epochs, baseBatch, Rule.SAME_RATE, baseRate, 0, seed, log));
        for (int b : batches.larger()) {
            double scaled = baseRate * b / baseBatch;
            runs.add(train(model, train, test, epochs, b, Rule.SAME_RATE, baseRate, 0, seed, log));
            runs.add(train(model, train, test, epochs, b, Rule.SCALED, scaled, 0, seed, log));
            runs.add(train(model, train, test, epochs, b, Rule.SCALED_WITH_WARMUP, scaled, warmupEpochs, seed, log));
        }
        return new LinearScalingExperiment(name, baseBatch, baseRate, epochs, train.size(), warmupEpochs, batches, runs);
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
        log.accept(String.format(Locale.ROOT, "batch %,5d, %-18s lr %.4f: train loss %.3f, test accuracy %.2f%% (%.1f s)",
                batch, rule, rate, run.trainLoss(), 100 * run.testAccuracy(), run.seconds()));
        return run;
    }

    public List<Run> runs() {
        return runs;
    }

    /** The larger batch sizes that ran, smallest first: those asked for, unless the data was too small. */
    public int[] largerBatches() {
        return batches.larger();
    }

    /** What was changed to fit the data ("" when nothing was). */
    public String note() {
        return batches.note();
    }

    /** Why nothing ran, when the data was too small for the experiment. */
    public Optional<String> skipped() {
        return batches.skipped();
    }

    public boolean ran() {
        return batches.skipped().isEmpty();
    }

    /** The run at the base batch size. */
    public Run base() {
        if (!ran())
            throw new IllegalStateException(batches.skipped().get());
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
        if (!ran())
            throw new IllegalStateException("no chart: " + batches.skipped().get());
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
        return ran() ? TableView.html(table()) : "<p>" + Escape.html(batches.skipped().get()) + "</p>";
    }

    @Override
    public String toString() {
        return ran() ? TableView.text(table()) : batches.skipped().get();
    }
}
