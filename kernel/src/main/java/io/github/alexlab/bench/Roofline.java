package io.github.alexlab.bench;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Blas;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.TableView;
import io.github.alexlab.viz.Units;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A roofline (Williams, Waterman and Patterson, CACM 2009): measured kernels placed by arithmetic
 * intensity (FLOPs per byte of memory traffic, x) and achieved rate (GFLOP/s, y), under the two
 * measured ceilings of their device ({@link Ceilings}). A point near the slanted roof is limited by
 * memory, near the flat roof by arithmetic; a point far below both is limited by neither, and has
 * room to improve.
 * <p>
 * The bytes of a kernel are the least it must move: every input read once and every output written
 * once. A kernel whose data do not fit in the caches moves more, and sits lower than its point's x
 * suggests; that gap is what blocking for the cache recovers.
 */
public final class Roofline implements HtmlView {
    private record Point(String group, Measurement measurement) {
    }

    private final List<Ceilings> ceilings;
    private final List<Point> points = new ArrayList<>();

    public Roofline(Ceilings... ceilings) {
        if (ceilings.length == 0)
            throw new IllegalArgumentException("a roofline needs the ceilings of at least one device (Ceilings.measure(device))");
        this.ceilings = List.of(ceilings);
    }

    /** Adds measured kernels under a group name (one colour in the chart); each needs counted FLOPs and bytes. */
    public Roofline add(String group, List<Measurement> measurements) {
        for (Measurement m : measurements) {
            if (Double.isNaN(m.flops()) || Double.isNaN(m.bytes()) || m.bytes() == 0)
                throw new IllegalArgumentException("'" + m.name() + "' cannot go on a roofline: it needs counted work, "
                        + "Measure...flops(...).bytes(...)");
            if (ceilings.stream().noneMatch(c -> c.device().equals(m.device())))
                throw new IllegalArgumentException("'" + m.name() + "' ran on " + m.device() + ", but this roofline has ceilings for "
                        + ceilings.stream().map(Ceilings::device).toList());
            points.add(new Point(group, m));
        }
        return this;
    }

    /** Log-log chart: each device's roof as a line, each group of kernels as points. */
    public Charts.XY chart() {
        double lo = 0.05, hi = 1000;
        for (Point p : points) {
            lo = Math.min(lo, p.measurement.intensity() / 2);
            hi = Math.max(hi, p.measurement.intensity() * 2);
        }
        var chart = Charts.line("Roofline: measured kernels under measured ceilings", "FLOP per byte (log)", "GFLOP/s (log)")
                .logX().logY().size(820, 480);
        for (Ceilings c : ceilings) {
            int steps = 80;
            double[] x = new double[steps], y = new double[steps];
            for (int i = 0; i < steps; i++) {
                x[i] = lo * Math.pow(hi / lo, i / (steps - 1.0));
                y[i] = c.roof(x[i]);
            }
            chart.lines("roof of " + c.device(), x, y);
        }
        Map<String, List<Measurement>> groups = new LinkedHashMap<>();
        for (Point p : points)
            groups.computeIfAbsent(p.group + " (" + p.measurement.device() + ")", k -> new ArrayList<>()).add(p.measurement);
        groups.forEach((name, ms) -> chart.points(name, ms.stream().mapToDouble(Measurement::intensity).toArray(),
                ms.stream().mapToDouble(Measurement::gflops).toArray()));
        return chart;
    }

    /** Every kernel: its intensity, its rate, its device's roof there, and what bounds it. */
    public Table table() {
        Table t = Table.create("Kernels against their roof", StringColumn.create("kernel"), StringColumn.create("group"),
                StringColumn.create("device"), DoubleColumn.create("FLOP/byte"), DoubleColumn.create("GFLOP/s"),
                DoubleColumn.create("roof GFLOP/s"), DoubleColumn.create("% of roof"), StringColumn.create("bound by"));
        for (Point p : points) {
            Measurement m = p.measurement;
            Ceilings c = ceilingsOf(m.device());
            double roof = c.roof(m.intensity());
            t.stringColumn("kernel").append(m.name());
            t.stringColumn("group").append(p.group);
            t.stringColumn("device").append(m.device().toString());
            t.doubleColumn("FLOP/byte").append(Units.round3(m.intensity()));
            t.doubleColumn("GFLOP/s").append(Units.round3(m.gflops()));
            t.doubleColumn("roof GFLOP/s").append(Units.round3(roof));
            t.doubleColumn("% of roof").append(Math.round(1000 * m.gflops() / roof) / 10.0);
            t.stringColumn("bound by").append(m.intensity() < c.ridge() ? "memory" : "arithmetic");
        }
        return t;
    }

    private Ceilings ceilingsOf(Device device) {
        return ceilings.stream().filter(c -> c.device().equals(device)).findFirst().orElseThrow();
    }

    @Override
    public String toHtml() {
        return TableView.html(table());
    }

    // ---- kernels to put on it -----------------------------------------------------------------

    /**
     * Square FP32 matrix multiplies: ND4J (OpenBLAS) on the CPU, cuBLAS on a GPU. 2 n^3 FLOPs; at least
     * 3 n^2 floats moved (A and B read, C written), so the intensity is n / 6 FLOP/byte.
     */
    public static List<Measurement> gemms(Device device, int... sizes) {
        List<Measurement> out = new ArrayList<>();
        for (int n : sizes) {
            INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n);
            String name = "GEMM n=" + n;
            if (!device.isGpu()) {
                INDArray c = Nd4j.create(DataType.FLOAT, n, n);
                out.add(Measure.of(name, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0))
                        .flops(2.0 * n * n * n).bytes(12.0 * n * n).warmups(2).repeats(7).seconds(1).run());
            } else {
                try (GpuArray ga = GpuArray.of(a, device); GpuArray gb = GpuArray.of(b, device);
                     GpuArray gc = GpuArray.zeros(device, DataType.FLOAT, n, n)) {
                    out.add(Measure.of(name, () -> Gemm.multiply(ga, gb, gc, Gemm.Precision.FP32)).on(device)
                            .flops(2.0 * n * n * n).bytes(12.0 * n * n).warmups(2).repeats(7).seconds(1).run());
                }
            }
        }
        return out;
    }

    /**
     * The forward pass of every convolution of {@code model} (on the device the model is on): 2 FLOPs per
     * multiply-add; bytes: the input, the weights and the output, each once.
     */
    public static List<Measurement> convolutions(Sequential model, INDArray batch) {
        Device device = model.device();
        List<Measurement> out = new ArrayList<>();
        INDArray x = batch;
        for (Layer layer : model.layers()) {
            long[] inShape = x.shape();
            INDArray y;
            if (layer instanceof Conv2d) {
                long[] outShape = layer.outputShape(inShape);
                double flops = 2.0 * layer.multiplyAdds(inShape);
                double bytes = 4.0 * (x.length() + layer.parameterCount() + product(outShape));
                INDArray input = x;
                if (!device.isGpu()) {
                    out.add(Measure.of(layer.name(), () -> layer.forward(input)).flops(flops).bytes(bytes)
                            .warmups(1).repeats(5).seconds(1).run());
                } else {
                    try (GpuArray g = GpuArray.of(input, device)) {
                        out.add(Measure.of(layer.name(), () -> layer.forward(g)).on(device).flops(flops).bytes(bytes)
                                .warmups(1).repeats(5).seconds(1).run());
                    }
                }
            }
            y = device.isGpu() ? layer.forwardOnDevice(x) : layer.forward(x);
            x = y;
        }
        return out;
    }

    /**
     * Element-wise work on {@code length} floats, far too little arithmetic per byte to keep any
     * arithmetic unit busy: ReLU (1 FLOP, 8 bytes per element), x += y (1 FLOP, 12 bytes), and on a
     * GPU y = a x + y (cuBLAS axpy: 2 FLOPs, 12 bytes).
     */
    public static List<Measurement> elementwise(Device device, long length) {
        List<Measurement> out = new ArrayList<>();
        INDArray x = Nd4j.rand(DataType.FLOAT, length).subi(0.5), y = Nd4j.rand(DataType.FLOAT, length);
        if (!device.isGpu()) {
            out.add(Measure.of("ReLU", () -> Transforms.relu(x, false)).flops(length).bytes(8.0 * length).warmups(1).repeats(7).seconds(1).run());
            out.add(Measure.of("x += y", () -> x.addi(y)).flops(length).bytes(12.0 * length).warmups(1).repeats(7).seconds(1).run());
            out.add(Measure.of("x *= 0.5", () -> x.muli(0.5)).flops(length).bytes(8.0 * length).warmups(1).repeats(7).seconds(1).run());
            return out;
        }
        try (GpuArray gx = GpuArray.of(x, device); GpuArray gy = GpuArray.of(y, device)) {
            out.add(Measure.of("y = a x + y", () -> Blas.axpy(0.5, gx, gy)).on(device).flops(2.0 * length).bytes(12.0 * length)
                    .warmups(2).repeats(10).seconds(1).run());
            out.add(Measure.of("x *= 0.5", () -> Blas.scale(0.5, gx)).on(device).flops(length).bytes(8.0 * length)
                    .warmups(2).repeats(10).seconds(1).run());
        }
        return out;
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long s : shape)
            p *= s;
        return p;
    }
}
