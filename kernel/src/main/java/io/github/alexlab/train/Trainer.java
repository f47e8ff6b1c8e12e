package io.github.alexlab.train;

import io.github.alexlab.data.Batch;
import io.github.alexlab.data.DataLoader;
import io.github.alexlab.kernel.HeedsInterrupts;
import io.github.alexlab.kernel.Notebook;
import io.github.alexlab.nn.CrossEntropyLoss;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.NativeMemory;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/**
 * Trains a classifier with mini-batch SGD and cross-entropy, epoch by epoch:
 * <pre>
 *   for each batch:  zero the gradients, forward, loss, backward, optimizer step
 *   after each epoch: evaluate on the test data, record a row of {@link History}
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
    /** Collect dead arrays once the process has grown by this much (see NativeMemory). */
    private static final long COLLECT_AFTER_BYTES = 512L << 20;

    private final Layer model;
    private final SGD optimizer;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private final GpuBuffer batchOnGpu = new GpuBuffer("training batch");
    private LearningRateSchedule schedule;
    private List<String> classNames;
    private boolean quiet;
    private IntConsumer afterEachStep = stepsDone -> {};

    public Trainer(Layer model, SGD optimizer) {
        this.model = model;
        this.optimizer = optimizer;
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

    /** Trains for {@code epochs} epochs; {@code test} may be null (then no test figures). */
    public History fit(DataLoader train, DataLoader test, int epochs) {
        if (epochs < 1)
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        History history = new History(model.name());
        Device device = model.device(); // where the model's parameters are: model.to(Device.gpu(0)) trains there
        boolean live = !quiet && Notebook.attached();
        int batches = train.numberOfBatches();
        long start = System.nanoTime();
        String barId = live ? Notebook.display(new Progress(1, epochs, 0, batches, Double.NaN, Double.NaN, 0, "")) : null;
        String chartId = null;
        Progress last = null;
        boolean ended = false; // false: stopped by an exception (or, on JDK 17, a forced stop)
        // Kernel > Interrupt: we stop at the next step boundary, so the kernel need not stop us by force.
        HeedsInterrupts heeding = HeedsInterrupts.begin();
        try {
            epochLoop:
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long epochStart = System.nanoTime();
                Throttle redraw = new Throttle();
                model.train(true);
                double lossSum = 0;
                long seen = 0, correct = 0;
                int b = 0;
                for (Batch batch : train) {
                    if (Thread.interrupted()) { // Kernel > Interrupt: stop between steps, the model stays whole
                        history.markInterrupted();
                        break epochLoop;
                    }
                    if (schedule != null)
                        setScheduledRate(epoch - 1 + (double) b / batches, history);
                    NativeMemory.releaseWhenGrownBy(COLLECT_AFTER_BYTES);
                    model.zeroGradients();
                    long n = batch.labels().length();
                    if (device.isGpu()) { // the batch goes to the GPU (a timed copy); everything else stays there
                        GpuArray images = batchOnGpu.get(device, DataType.FLOAT, batch.images().shape()).copyFrom(batch.images().castTo(DataType.FLOAT));
                        lossSum += loss.forward(model.forward(images), batch.labels()) * n;
                        correct += correctCount(loss.probabilities(), batch.labels());
                        model.backwardToParameters(loss.backwardOnGpu());
                    } else {
                        INDArray logits = model.forward(batch.images());
                        lossSum += loss.forward(logits, batch.labels()) * n;
                        correct += correctCount(logits, batch.labels());
                        model.backwardToParameters(loss.backward()); // the images need no gradient
                    }
                    optimizer.step();
                    history.countStep();
                    afterEachStep.accept(history.steps());
                    seen += n;
                    b++;
                    last = new Progress(epoch, epochs, b, batches, lossSum / seen, (double) correct / seen, seconds(start), "");
                    if (live && redraw.due())
                        Notebook.updateDisplay(barId, last);
                }
                double trainSeconds = seconds(epochStart); // the evaluation below is not part of an epoch's time
                double testLoss = Double.NaN, testAccuracy = Double.NaN;
                boolean interruptedInTest = false;
                if (test != null) {
                    Evaluation e;
                    try {
                        if (live && last != null) { // the test pass takes seconds: count its images on the same bar
                            Progress trained = last;
                            Notebook.updateDisplay(barId, trained.evaluating(0, test.size()));
                            e = Evaluation.of(model, test, classNames, done -> {
                                if (redraw.due())
                                    Notebook.updateDisplay(barId, trained.evaluating(done, test.size()));
                            });
                        } else {
                            e = evaluate(test);
                        }
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
                    break;
                }
                if (live) {
                    Curves curves = new Curves(history);
                    if (chartId == null)
                        chartId = Notebook.display(curves);
                    else
                        Notebook.updateDisplay(chartId, curves);
                } else if (!quiet) {
                    System.out.println(history.last());
                }
            }
            ended = true;
        } finally {
            model.train(false);
            batchOnGpu.free(); // the model keeps its own buffers until it moves back (model.to(Device.cpu()))
            loss.freeGpuBuffers();
            if (live && last != null)
                Notebook.updateDisplay(barId, last.note(!ended ? "stopped" : history.interrupted() ? "interrupted" : "done"));
            heeding.close();
        }
        if (history.interrupted()) // the interrupt stands for the caller too: a loop of fits ends, not just this one
            Thread.currentThread().interrupt();
        return history;
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
            System.err.printf(java.util.Locale.ROOT, "note: the learning-rate schedule %s is at 0 from epoch %d of this run:"
                    + " these steps leave the weights as they are. To train further, give the trainer a new schedule"
                    + " (trainer.schedule(...)).%n", schedule, (int) epoch + 1);
        optimizer.setLearningRate(rate);
    }

    /** Accuracy, loss and confusion matrix on a data set (evaluation mode). */
    public Evaluation evaluate(DataLoader data) {
        return Evaluation.of(model, data, classNames);
    }

    /** How many rows of {@code logits} have their largest score at the label. */
    public static long correctCount(INDArray logits, INDArray labels) {
        INDArray predicted = logits.argMax(1).castTo(DataType.FLOAT);
        return predicted.eq(labels.castTo(DataType.FLOAT).reshape(predicted.shape())).castTo(DataType.INT).sumNumber().longValue();
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
