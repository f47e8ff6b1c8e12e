package io.github.alexlab.nn;

import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.Numbers;
import io.github.alexlab.viz.TableView;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuTimer;
import io.github.alexlab.tensor.MemoryLedger;
import io.github.alexlab.viz.Units;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Runs a network one layer at a time, so a class can watch the data change shape: each
 * {@link #next()} runs the next layer and returns a {@link Step} (shown in a notebook as a line of
 * facts and the first feature maps).
 * <p>
 * Given a {@link GpuArray}, it runs the layers on that GPU: each step's time is the GPU's own (CUDA
 * events around the layer), each step reports the GPU memory in use, and its output is copied to the
 * host for the statistics and pictures (that copy is not part of the time).
 */
public final class Stepper implements HtmlView {
    private final Sequential model;
    private final List<Step> steps = new ArrayList<>();
    private INDArray current;
    private GpuArray currentOnGpu; // null on the CPU
    private int position;

    public Stepper(Sequential model, INDArray input) {
        this.model = model;
        this.current = input;
        model.outputShape(input.shape()); // a wrong input fails here, naming the layer, not halfway through
    }

    /** Steps through the model on the GPU that holds {@code input} (move the model there first). */
    public Stepper(Sequential model, GpuArray input) {
        this.model = model;
        this.currentOnGpu = input;
        model.outputShape(input.shape());
        this.current = input.toHost();
    }

    public boolean hasNext() {
        return position < model.layers().size();
    }

    /** Runs the next layer on the output of the previous one. */
    public Step next() {
        if (!hasNext())
            throw new NoSuchElementException("all " + model.layers().size() + " layers of " + model.name()
                    + " have run; the output has shape " + Arrays.toString(current.shape()));
        Layer layer = model.layers().get(position);
        long[] inputShape = current.shape();
        Step step;
        if (currentOnGpu != null) {
            Device gpu = currentOnGpu.device();
            GpuArray output;
            double millis;
            try (GpuTimer timer = GpuTimer.start(gpu)) {
                output = layer.forward(currentOnGpu);
                millis = timer.stopMillis();
            }
            currentOnGpu = output;
            step = new Step(position + 1, layer, inputShape, output.toHost(), millis, gpu, MemoryLedger.global().allocatedBytes(gpu.index()));
        } else {
            long start = System.nanoTime();
            INDArray output = layer.forward(current);
            double millis = (System.nanoTime() - start) / 1e6;
            step = new Step(position + 1, layer, inputShape, output, millis);
        }
        INDArray output = step.output();
        steps.add(step);
        current = output;
        position++;
        return step;
    }

    /** Runs the layers that are left; returns this, which shows the whole walk as a table. */
    public Stepper runAll() {
        while (hasNext())
            next();
        return this;
    }

    /** The steps taken so far. */
    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    /** The output of the last layer run on the GPU (the input before the first step), or null on the CPU. */
    public GpuArray currentOnGpu() {
        return currentOnGpu;
    }

    /** The output of the last layer run (the input before the first step); a host copy on a GPU. */
    public INDArray current() {
        return current;
    }

    @Override
    public String toHtml() {
        return TableView.html(table());
    }

    /** One row per step taken: shapes, parameters, multiply-adds, time (and GPU memory), mean, zeros. */
    public Table table() {
        boolean gpu = currentOnGpu != null;
        IntColumn number = IntColumn.create("#");
        StringColumn layer = StringColumn.create("layer"), input = StringColumn.create("input"),
                output = StringColumn.create("output"), gpuMemory = StringColumn.create("GPU memory in use");
        LongColumn parameters = LongColumn.create("parameters"), multiplyAdds = LongColumn.create("multiply-adds");
        DoubleColumn time = DoubleColumn.create(gpu ? "GPU time" : "time"), mean = DoubleColumn.create("mean"),
                zeros = DoubleColumn.create("zeros");
        for (Step s : steps) {
            number.append(s.index());
            layer.append(s.layer().name());
            input.append(Arrays.toString(s.inputShape()));
            output.append(Arrays.toString(s.outputShape()));
            parameters.append(s.parameters());
            multiplyAdds.append(s.multiplyAdds());
            time.append(s.millis());
            gpuMemory.append(Units.bytes(s.deviceBytes()));
            mean.append(s.mean());
            zeros.append(s.zeroFraction());
        }
        parameters.setPrintFormatter(Numbers.groupedColumn());
        multiplyAdds.setPrintFormatter(Numbers.groupedColumn());
        time.setPrintFormatter(Numbers.column(ms -> String.format(Locale.ROOT, "%.3f ms", ms)));
        mean.setPrintFormatter(Numbers.column(m -> String.format(Locale.ROOT, "%.4g", m)));
        zeros.setPrintFormatter(Numbers.column(z -> Numbers.percent(z, 0)));
        Table table = Table.create(model.name(), number, layer, input, output, parameters, multiplyAdds, time);
        if (gpu)
            table.addColumns(gpuMemory);
        return table.addColumns(mean, zeros);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(model.name() + ": " + position + " of " + model.layers().size() + " layers run");
        for (Step s : steps)
            text.append('\n').append(s);
        return text.toString();
    }
}
