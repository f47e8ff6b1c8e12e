package io.github.alexlab.bench;

import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.TableView;
import io.github.alexlab.viz.Units;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the time of a training step goes: every layer's forward and backward pass, timed on its own
 * (median of several runs, {@link Measure}), on the device that holds the model. On a GPU the two copies
 * a step needs, the batch to the GPU and the scores back, are timed too and kept apart from the layers:
 * they are the price of a GPU that a CPU does not pay.
 * <pre>{@code
 * var cpu = LayerTimes.measure(AlexNet.singleTower(1, 224, 10), batch);
 * cpu.table();  cpu.chart();  LayerTimes.compare(cpu, gpu);
 * }</pre>
 */
public final class LayerTimes implements HtmlView {
    /** One layer's times in seconds (medians); for a copy, the time is in {@code forward}. */
    public record Row(String layer, double forward, double backward, boolean transfer) {
        public double total() {
            return forward + backward;
        }
    }

    private final String model;
    private final Device device;
    private final long batchSize;
    private final List<Row> rows;

    private LayerTimes(String model, Device device, long batchSize, List<Row> rows) {
        this.model = model;
        this.device = device;
        this.batchSize = batchSize;
        this.rows = List.copyOf(rows);
    }

    /**
     * Times each layer of {@code model} on the device the model is on, for {@code batch} (host array).
     * Backward gets a random gradient of the layer's output shape; the first layer computes only its
     * parameter gradients, as in training (nothing needs the gradient of the data).
     */
    public static LayerTimes measure(Sequential model, INDArray batch) {
        Device device = model.device();
        model.train(true);
        List<Row> rows = new ArrayList<>();
        List<Layer> layers = model.layers();
        long[] shape = batch.shape();
        for (Layer layer : layers)
            shape = layer.outputShape(shape); // a wrong batch shape fails here, with the layer's own message
        if (!device.isGpu()) {
            INDArray x = batch;
            for (int l = 0; l < layers.size(); l++) {
                Layer layer = layers.get(l);
                INDArray input = x;
                INDArray out = layer.forward(input).dup();
                INDArray grad = Nd4j.rand(out.dataType(), out.shape()).subi(0.5).muli(1e-2);
                boolean first = l == 0;
                rows.add(new Row(layer.name(), time(layer.name() + " forward", device, () -> layer.forward(input), () -> { }),
                        time(layer.name() + " backward", device, () -> backward(layer, grad, first), () -> layer.forward(input)), false));
                x = out;
            }
            return new LayerTimes(model.name(), device, batch.size(0), rows);
        }
        rows.add(new Row("copy batch to GPU", time("copy batch to GPU", device, () -> GpuArray.of(batch, device).close(), () -> { }), 0, true));
        try (GpuArray onGpu = GpuArray.of(batch, device)) {
            GpuArray x = onGpu;
            GpuArray last = null;
            for (int l = 0; l < layers.size(); l++) {
                Layer layer = layers.get(l);
                GpuArray input = x;
                GpuArray out = layer.forward(input);
                try (GpuArray grad = GpuArray.of(Nd4j.rand(out.dataType(), out.shape()).subi(0.5).muli(1e-2), device)) {
                    boolean first = l == 0;
                    rows.add(new Row(layer.name(), time(layer.name() + " forward", device, () -> layer.forward(input), () -> { }),
                            time(layer.name() + " backward", device, () -> backwardOnGpu(layer, grad, first), () -> layer.forward(input)), false));
                }
                x = out;
                last = out;
            }
            GpuArray scores = last;
            rows.add(new Row("copy scores to host", time("copy scores to host", device, scores::toHost, () -> { }), 0, true));
        }
        return new LayerTimes(model.name(), device, batch.size(0), rows);
    }

    private static void backward(Layer layer, INDArray grad, boolean first) {
        if (first)
            layer.backwardToParameters(grad);
        else
            layer.backward(grad);
    }

    private static void backwardOnGpu(Layer layer, GpuArray grad, boolean first) {
        if (first)
            layer.backwardToParameters(grad);
        else
            layer.backward(grad);
    }

    private static double time(String name, Device device, Runnable work, Runnable before) {
        return Measure.of(name, work).before(before).on(device).warmups(1).repeats(5).seconds(1.0).run().median();
    }

    public List<Row> rows() {
        return rows;
    }

    public Device device() {
        return device;
    }

    /** Forward plus backward of every layer, without the copies, seconds. */
    public double layersSeconds() {
        return rows.stream().filter(r -> !r.transfer()).mapToDouble(Row::total).sum();
    }

    /** The copies between host and GPU, seconds (0 on the CPU). */
    public double transferSeconds() {
        return rows.stream().filter(Row::transfer).mapToDouble(Row::total).sum();
    }

    /** Images per second for a whole step, copies included. */
    public double imagesPerSecond() {
        return batchSize / (layersSeconds() + transferSeconds());
    }

    /** One row per layer (and copy): forward, backward and total ms, and its share of the step. */
    public Table table() {
        double step = layersSeconds() + transferSeconds();
        Table t = Table.create(String.format(Locale.ROOT, "%s, batch %d, on %s", model, batchSize, device),
                StringColumn.create("layer"), DoubleColumn.create("forward ms"), DoubleColumn.create("backward ms"),
                DoubleColumn.create("total ms"), DoubleColumn.create("share %"));
        for (Row r : rows) {
            t.stringColumn("layer").append(r.layer());
            t.doubleColumn("forward ms").append(Units.round3(r.forward() * 1e3));
            t.doubleColumn("backward ms").append(r.transfer() ? Double.NaN : Units.round3(r.backward() * 1e3));
            t.doubleColumn("total ms").append(Units.round3(r.total() * 1e3));
            t.doubleColumn("share %").append(Math.round(1000 * r.total() / step) / 10.0);
        }
        return t;
    }

    /** Each layer's forward and backward time as bars. */
    public Charts.Bars chart() {
        List<String> names = rows.stream().map(Row::layer).toList();
        return Charts.bar("Time per layer on " + device + " (batch " + batchSize + ")", "", "ms").logY()
                .series("forward", names, rows.stream().mapToDouble(r -> Math.max(1e-4, r.forward() * 1e3)).toArray())
                .series("backward", names, rows.stream().mapToDouble(r -> Math.max(1e-4, r.backward() * 1e3)).toArray());
    }

    /** The same model on two devices, layer by layer: each one's time and share, and the speed-up. */
    public static Table compare(LayerTimes a, LayerTimes b) {
        // Two runs on one device (before and after a change) get "first" and "second" for names.
        boolean same = a.device.equals(b.device);
        String la = same ? "first" : a.device.toString(), lb = same ? "second" : b.device.toString();
        Table t = Table.create("Forward + backward per layer: " + la + " vs " + lb,
                StringColumn.create("layer"), DoubleColumn.create(la + " ms"), DoubleColumn.create(la + " share %"),
                DoubleColumn.create(lb + " ms"), DoubleColumn.create(lb + " share %"), DoubleColumn.create("speed-up"));
        List<String> names = new ArrayList<>();
        a.rows.forEach(r -> { if (!names.contains(r.layer())) names.add(r.layer()); });
        b.rows.forEach(r -> { if (!names.contains(r.layer())) names.add(r.layer()); });
        double stepA = a.layersSeconds() + a.transferSeconds(), stepB = b.layersSeconds() + b.transferSeconds();
        for (String name : names) {
            double ta = a.seconds(name), tb = b.seconds(name);
            t.stringColumn("layer").append(name);
            t.doubleColumn(1).append(Units.round3(ta * 1e3));
            t.doubleColumn(2).append(Math.round(1000 * ta / stepA) / 10.0);
            t.doubleColumn(3).append(Units.round3(tb * 1e3));
            t.doubleColumn(4).append(Math.round(1000 * tb / stepB) / 10.0);
            t.doubleColumn(5).append(ta > 0 && tb > 0 ? Units.round3(ta / tb) : Double.NaN);
        }
        t.stringColumn("layer").append("whole step");
        t.doubleColumn(1).append(Units.round3(stepA * 1e3));
        t.doubleColumn(2).append(100.0);
        t.doubleColumn(3).append(Units.round3(stepB * 1e3));
        t.doubleColumn(4).append(100.0);
        t.doubleColumn(5).append(Units.round3(stepA / stepB));
        return t;
    }

    private double seconds(String layer) {
        return rows.stream().filter(r -> r.layer().equals(layer)).mapToDouble(Row::total).sum();
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
