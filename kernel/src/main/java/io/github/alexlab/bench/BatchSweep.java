package io.github.alexlab.bench;

import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.TrainingStep;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.TableView;
import io.github.alexlab.viz.Units;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Training speed against batch size: one training step (forward, loss, backward, SGD with momentum)
 * timed at each batch size, on the device that holds the model. On a GPU the step includes copying
 * the batch there, as in training.
 * <p>
 * Large batches of a large network take minutes per step on a small CPU. So the sweep stops growing
 * the batch once the next step would take longer than {@code capSeconds}, estimated from the last
 * size measured (time in proportion to the batch), and says which sizes it skipped and why.
 * <pre>{@code
 * var cpu = BatchSweep.run(LeNet5.modern(), new long[]{1, 32, 32}, 10, BatchSweep.POWERS_OF_TWO, 1.0, System.out::println);
 * cpu.table();  BatchSweep.throughputChart(cpu, gpu);
 * }</pre>
 */
public final class BatchSweep implements HtmlView {
    /** 1, 2, 4, ... 1024. */
    public static final int[] POWERS_OF_TWO = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    /** One batch size: its measured step, or why it was not measured. */
    public record Point(int batchSize, Measurement step, String skipped) {
        public boolean measured() {
            return step != null;
        }

        public double imagesPerSecond() {
            return measured() ? batchSize / step.median() : Double.NaN;
        }
    }

    private final String model;
    private final Device device;
    private final List<Point> points;

    private BatchSweep(String model, Device device, List<Point> points) {
        this.model = model;
        this.device = device;
        this.points = List.copyOf(points);
    }

    /**
     * Times a training step of {@code model} at each of {@code batchSizes} (ascending) for images of
     * {@code imageShape} = [channels, height, width] and {@code classes} classes. The parameters change
     * (SGD steps with a tiny learning rate): pass a model made for this.
     */
    public static BatchSweep run(Sequential model, long[] imageShape, int classes, int[] batchSizes, double capSeconds,
                                 Consumer<String> log) {
        if (imageShape.length != 3)
            throw new IllegalArgumentException("imageShape is [channels, height, width], got " + Arrays.toString(imageShape));
        if (batchSizes.length == 0)
            throw new IllegalArgumentException("no batch sizes to sweep");
        for (int i = 0; i < batchSizes.length; i++)
            if (batchSizes[i] < 1 || (i > 0 && batchSizes[i] <= batchSizes[i - 1]))
                throw new IllegalArgumentException("batch sizes must be >= 1 and ascending, got " + Arrays.toString(batchSizes));
        if (!(capSeconds > 0))
            throw new IllegalArgumentException("the time cap must be > 0 seconds, got " + capSeconds);
        model.outputShape(new long[]{1, imageShape[0], imageShape[1], imageShape[2]}); // wrong image shapes fail here, named

        Device device = model.device();
        SGD sgd = new SGD(model.parameters(), 1e-6).momentum(0.9);
        TrainingStep trainingStep = new TrainingStep(model, sgd); // the step Trainer runs
        List<Point> points = new ArrayList<>();
        Random random = new Random(7);
        Point last = null;
        model.train(true);
        try {
            for (int b : batchSizes) {
                if (last != null && !last.measured()) {
                    points.add(new Point(b, null, last.skipped()));
                    continue;
                }
                if (last != null) {
                    double estimate = last.step().median() * b / last.batchSize();
                    if (estimate > capSeconds) {
                        String why = String.format(Locale.ROOT, "skipped: a step would take about %s (from batch %d), over the %s cap",
                                Units.time(estimate), last.batchSize(), Units.time(capSeconds));
                        points.add(new Point(b, null, why));
                        log.accept(model.name() + " on " + device + ", batch " + b + ": " + why + " (and so every larger batch)");
                        last = points.get(points.size() - 1);
                        continue;
                    }
                }
                INDArray x = Nd4j.rand(DataType.FLOAT, b, imageShape[0], imageShape[1], imageShape[2]);
                float[] labelValues = new float[b];
                for (int i = 0; i < b; i++)
                    labelValues[i] = random.nextInt(classes);
                INDArray labels = Nd4j.createFromArray(labelValues);
                Runnable step = () -> trainingStep.run(x, labels);
                Measurement m = Measure.of(model.name() + ", batch " + b, step).on(device)
                        .warmups(1).repeats(5).seconds(Math.max(capSeconds, 0.5)).run();
                last = new Point(b, m, "");
                points.add(last);
                log.accept(String.format(Locale.ROOT, "%s on %s, batch %d: %s per step, %.1f images/s",
                        model.name(), device, b, Units.time(m.median()), last.imagesPerSecond()));
            }
        } finally {
            model.train(false);
            trainingStep.freeGpuBuffers();
            if (device.isGpu())
                sgd.velocitiesToHost();
        }
        return new BatchSweep(model.name(), device, points);
    }

    public List<Point> points() {
        return points;
    }

    public Device device() {
        return device;
    }

    public String model() {
        return model;
    }

    /** The measured batch size with the most images per second. */
    public Point fastest() {
        return points.stream().filter(Point::measured)
                .max((a, b) -> Double.compare(a.imagesPerSecond(), b.imagesPerSecond())).orElseThrow();
    }

    public Point at(int batchSize) {
        return points.stream().filter(p -> p.batchSize() == batchSize).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("batch " + batchSize + " was not in this sweep"));
    }

    public Table table() {
        Table t = Table.create(model + " on " + device + ": one training step per batch size",
                IntColumn.create("batch"), DoubleColumn.create("ms per step"), DoubleColumn.create("min ms"),
                DoubleColumn.create("max ms"), DoubleColumn.create("images/s"), DoubleColumn.create("ms per image"),
                StringColumn.create("note"));
        for (Point p : points) {
            t.intColumn("batch").append(p.batchSize());
            if (p.measured()) {
                Measurement m = p.step();
                t.doubleColumn("ms per step").append(Units.round3(m.medianMillis()));
                t.doubleColumn("min ms").append(Units.round3(m.min() * 1e3));
                t.doubleColumn("max ms").append(Units.round3(m.max() * 1e3));
                t.doubleColumn("images/s").append(Units.round3(p.imagesPerSecond()));
                t.doubleColumn("ms per image").append(Units.round3(m.medianMillis() / p.batchSize()));
                t.stringColumn("note").append(m.runs() + (m.runs() == 1 ? " run" : " runs"));
            } else {
                for (String c : List.of("ms per step", "min ms", "max ms", "images/s", "ms per image"))
                    t.doubleColumn(c).appendMissing();
                t.stringColumn("note").append(p.skipped());
            }
        }
        return t;
    }

    /** Images per second against batch size (both axes logarithmic), one line per sweep. */
    public static Charts.XY throughputChart(BatchSweep... sweeps) {
        var chart = Charts.line("Training throughput vs batch size", "batch size (log)", "images per second (log)").logX().logY();
        for (BatchSweep s : sweeps) {
            List<Point> measured = s.points.stream().filter(Point::measured).toList();
            if (!measured.isEmpty())
                chart.series(s.model + " on " + s.device, measured.stream().mapToDouble(Point::batchSize).toArray(),
                        measured.stream().mapToDouble(Point::imagesPerSecond).toArray());
        }
        return chart;
    }

    /** Milliseconds per step against batch size, one line per sweep. */
    public static Charts.XY stepTimeChart(BatchSweep... sweeps) {
        var chart = Charts.line("Time per training step vs batch size", "batch size (log)", "ms per step (log)").logX().logY();
        for (BatchSweep s : sweeps) {
            List<Point> measured = s.points.stream().filter(Point::measured).toList();
            if (!measured.isEmpty())
                chart.series(s.model + " on " + s.device, measured.stream().mapToDouble(Point::batchSize).toArray(),
                        measured.stream().mapToDouble(p -> p.step().medianMillis()).toArray());
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
