package io.github.alexlab.train;

import io.github.alexlab.data.Batch;
import io.github.alexlab.data.DataLoader;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/**
 * Trains a classifier with mini-batch SGD and cross-entropy, epoch by epoch:
 * <pre>
 *   fit:   for each epoch, epoch
 *   epoch: for each batch, a TrainingStep (zero the gradients, forward, loss, backward, optimizer step);
 *          then evaluate on the test data and record a row of {@link History}
 * </pre>
 * In a notebook it shows a progress bar that redraws in place and loss/accuracy curves that grow
 * after every epoch; elsewhere it prints one line per epoch. Kernel &gt; Interrupt stops it after
 * the step it is on (or during the test pass): fit returns its History, marked interrupted, and
 * the model keeps the weights of the last finished step and can be evaluated, saved or trained
 * further. (The kernel interrupts the cell's thread and waits a moment before it stops a cell by
 * force; checking between steps is what lets training end whole within that moment.) Afterwards
 * the model is in evaluation mode (dropout off).
 * <p>
 * It trains where the model is: after {@code model.to(Device.gpu(0))} each batch is copied to the
 * GPU, and forward, loss, backward and the SGD step all run there; only the N x K log-probabilities
 * come back, for the loss and the accuracy shown.
 */
public final class Trainer {
    private static final double REDRAWS_PER_SECOND = 4;

    private final Layer model;
    private final SGD optimizer;
    private final TrainingStep step;
    private LearningRateSchedule schedule;
    private List<String> classNames;
    private boolean quiet;
    private IntConsumer afterEachStep = stepsDone -> {};

    public Trainer(Layer model, SGD optimizer) {
        this.model = model;
        this.optimizer = optimizer;
        this.step = new TrainingStep(model, optimizer);
    }

    /** Sets the learning rate before every step from a schedule (by default it stays the optimizer's). */
    public Trainer schedule(LearningRateSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    /** Class names for the confusion matrix of {@link #evaluate}; default "0", "1", ... */
    public Trainer classNames(List<String> names) {
        this.classNames = List.copyOf(names);
        return this;
    }

    /**
     * Calls {@code hook} after every optimizer step with the number of steps this fit has done,
     * e.g. to record a gradient norm or a copy of the weights.
     */
    public Trainer afterEachStep(IntConsumer hook) {
        this.afterEachStep = hook == null ? stepsDone -> {} : hook;
        return this;
    }

    /** No progress bar, no curves, no lines (tests, benchmarks). */
    public Trainer quiet() {
        this.quiet = true;
        return this;
    }

    /**
     * Trains for {@code epochs} epochs; {@code test} may be null (then no test figures). Each epoch
     * is {@link #epoch}; each of its batches one {@link TrainingStep}.
     */
    public History fit(DataLoader train, DataLoader test, int epochs) {
        if (epochs < 1)
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        Run run = new Run(new History(model.name()), epochs, train.numberOfBatches(), quiet);
        boolean ended = false; // false: stopped by an exception (or, on JDK 17, a forced stop)
        // Kernel > Interrupt: we stop at the next step boundary, so the kernel need not stop us by force.
        HeedsInterrupts heeding = HeedsInterrupts.begin();
        try {
            for (int epoch = 1; epoch <= epochs && !run.history.interrupted(); epoch++)
                epoch(run, epoch, train, test);
            ended = true;
        } finally {
            model.train(false);
            model.forgetActivations(); // the last step's, which no backward will read
            step.freeGpuBuffers(); // the model keeps its own buffers until it moves back (model.to(Device.cpu()))
            if (run.live && run.last != null)
                run.display.update(run.barId, run.last.note(!ended ? "stopped" : run.history.interrupted() ? "interrupted" : "done"));
            heeding.close();
        }
        if (run.history.interrupted()) // the interrupt stands for the caller too: a loop of fits ends, not just this one
            Thread.currentThread().interrupt();
        return run.history;
    }

    /** One fit as it goes: its History, where its progress bar and curves are shown, the last progress. */
    private static final class Run {
        final History history;
        final int epochs, batches;
        final LiveDisplay display = LiveDisplay.current(); // the notebook's inside the kernel
        final boolean live;
        final long start = System.nanoTime();
        final String barId;
        String chartId;
        Progress last;

        Run(History history, int epochs, int batches, boolean quiet) {
            this.history = history;
            this.epochs = epochs;
            this.batches = batches;
            this.live = !quiet && display.redrawsInPlace();
            this.barId = live ? display.show(new Progress(1, epochs, 0, batches, Double.NaN, Double.NaN, 0, "")) : null;
        }
    }

    /**
     * One epoch: a training step per batch, then the test pass and a row of the History. On Kernel &gt;
     * Interrupt it stops between two steps (or in the test pass) and marks the History interrupted.
     */
    private void epoch(Run run, int epoch, DataLoader train, DataLoader test) {
        History history = run.history;
        long epochStart = System.nanoTime();
        Throttle redraw = new Throttle();
        model.train(true);
        double lossSum = 0;
        long seen = 0, correct = 0;
        int b = 0;
        for (Batch batch : train) {
            if (Thread.interrupted()) { // Kernel > Interrupt: stop between steps, the model stays whole
                history.markInterrupted();
                return;
            }
            if (schedule != null)
                setScheduledRate(epoch - 1 + (double) b / run.batches, history);
            TrainingStep.Result r = step.run(batch.images(), batch.labels());
            train.recycle(batch); // the next batch goes into its memory
            history.countStep();
            afterEachStep.accept(history.steps());
            lossSum += r.loss() * r.examples();
            correct += r.correct();
            seen += r.examples();
            b++;
            run.last = new Progress(epoch, run.epochs, b, run.batches, lossSum / seen, (double) correct / seen, seconds(run.start), "");
            if (run.live && redraw.due())
                run.display.update(run.barId, run.last);
        }
        double trainSeconds = seconds(epochStart); // the evaluation below is not part of an epoch's time
        double testLoss = Double.NaN, testAccuracy = Double.NaN;
        boolean interruptedInTest = false;
        if (test != null) {
            try {
                Evaluation e = testPass(run, test, redraw);
                testLoss = e.loss();
                testAccuracy = e.accuracy();
            } catch (CancellationException interruptedDuringTest) {
                interruptedInTest = true; // the epoch's steps are all done: its row stays, without test figures
            }
        }
        history.add(new History.Epoch(epoch, optimizer.learningRate(), lossSum / seen, (double) correct / seen,
                testLoss, testAccuracy, trainSeconds));
        if (interruptedInTest) {
            history.markInterrupted();
        } else if (run.live) {
            Curves curves = new Curves(history);
            if (run.chartId == null)
                run.chartId = run.display.show(curves);
            else
                run.display.update(run.chartId, curves);
        } else if (!quiet) {
            System.out.println(history.last());
        }
    }

    /** The test pass; live, its images are counted on the progress bar (it takes seconds). */
    private Evaluation testPass(Run run, DataLoader test, Throttle redraw) {
        if (!run.live || run.last == null)
            return evaluate(test);
        Progress trained = run.last;
        run.display.update(run.barId, trained.evaluating(0, test.size()));
        return Evaluation.of(model, test, classNames, done -> {
            if (redraw.due())
                run.display.update(run.barId, trained.evaluating(done, test.size()));
        });
    }

    /**
     * The schedule's rate for this point of the run. A schedule that has come down to 0 (the end of
     * cosine(lr, epochs, 0), when fit runs for more epochs than the schedule covers) makes steps
     * that change nothing: the run goes on, as a student who asked for more epochs expects, and
     * says once why the numbers stand still.
     */
    private void setScheduledRate(double epoch, History history) {
        double rate = schedule.rate(epoch);
        if (rate == 0 && optimizer.learningRate() != 0 && !quiet)
            System.err.printf(Locale.ROOT, "note: the learning-rate schedule %s is at 0 from epoch %d of this run:"
                    + " these steps leave the weights as they are. To train further, give the trainer a new schedule"
                    + " (trainer.schedule(...)).%n", schedule, (int) epoch + 1);
        optimizer.setLearningRate(rate);
    }

    /** Accuracy, loss and confusion matrix on a data set (evaluation mode). */
    public Evaluation evaluate(DataLoader data) {
        return Evaluation.of(model, data, classNames);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Lets a redraw through a few times a second: more would only load the notebook. */
    private static final class Throttle {
        private long last = System.nanoTime() - (long) (1e9 / REDRAWS_PER_SECOND); // the first may come at once

        boolean due() {
            if (System.nanoTime() - last < 1e9 / REDRAWS_PER_SECOND)
                return false;
            last = System.nanoTime();
            return true;
        }
    }

    /** Loss and accuracy curves side by side, each drawn at the size it is shown. */
    private record Curves(History history) implements HtmlView {
        @Override
        public String toHtml() {
            return Charts.sideBySide(history.lossChart().size(Charts.HALF_WIDTH, Charts.HALF_HEIGHT),
                    history.accuracyChart().size(Charts.HALF_WIDTH, Charts.HALF_HEIGHT));
        }
    }
}
