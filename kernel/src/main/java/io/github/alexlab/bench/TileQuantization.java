package io.github.alexlab.bench;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.viz.Charts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Why batch sizes of 8, 32, 64... : a fully connected layer is a matrix multiply [batch x k] x [k x n],
 * and a GPU computes C in tiles (e.g. 128 x 128 per thread block) and its tensor cores in fragments of
 * 8 or 16 rows. A batch one row past a multiple of the tile pays for a whole extra tile that is
 * almost empty ("tile quantization"), and when the tiles do not divide evenly over the
 * multiprocessors, the last wave runs half empty ("wave quantization"). A CPU works in vectors of 8
 * or 16 floats, so its steps are smaller.
 * <p>
 * {@link #sweep} times the layer's product for each batch size in a range, all other sizes fixed.
 */
public final class TileQuantization {
    private TileQuantization() {
    }

    /**
     * [batch x k] x [k x n] for each batch in [from, to] (step 1): on the CPU with ND4J in FP32, on a GPU
     * with cuBLAS in {@code precision}. 2 batch k n FLOPs each.
     */
    public static List<Measurement> sweep(Device device, Gemm.Precision precision, int from, int to, int k, int n) {
        if (from < 1 || to < from)
            throw new IllegalArgumentException("batch range must be 1 <= from <= to, got " + from + ".." + to);
        if (!device.isGpu() && precision != Gemm.Precision.FP32)
            throw new IllegalArgumentException("on the CPU the sweep multiplies in FP32 (ND4J), not " + precision);
        INDArray weights = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5);
        List<Measurement> out = new ArrayList<>();
        if (!device.isGpu()) {
            // Two passes over the range, keeping each size's faster one: a CPU shared with anything else
            // (the notebook server, another program) slows single sizes at random.
            for (int pass = 0; pass < 2; pass++)
                for (int b = from; b <= to; b++) {
                    INDArray x = Nd4j.rand(DataType.FLOAT, b, k), y = Nd4j.create(DataType.FLOAT, b, n);
                    Measurement m = Measure.of("batch " + b, () -> Nd4j.gemm(x, weights, y, false, false, 1.0, 0.0))
                            .flops(2.0 * b * k * n).warmups(1).repeats(7).seconds(0.5).run();
                    if (pass == 0)
                        out.add(m);
                    else if (m.median() < out.get(b - from).median())
                        out.set(b - from, m);
                }
            return out;
        }
        try (GpuArray w = GpuArray.of(weights.castTo(precision.input), device, "tile sweep weights")) {
            for (int b = from; b <= to; b++) {
                try (GpuArray x = GpuArray.of(Nd4j.rand(DataType.FLOAT, b, k).castTo(precision.input), device, "tile sweep input");
                     GpuArray y = GpuArray.zeros(device, precision.output, b, n)) {
                    out.add(Measure.of("batch " + b, () -> Gemm.multiply(x, w, y, precision)).on(device)
                            .flops(2.0 * b * k * n).warmups(3).repeats(20).seconds(0.5).run());
                }
            }
        }
        return out;
    }

    /** GFLOP/s against batch size, with the multiples of 8 marked as points of their own. */
    public static Charts.XY chart(String title, List<Measurement> sweep) {
        int count = sweep.size();
        double[] x = new double[count], y = new double[count];
        List<Double> x8 = new ArrayList<>(), y8 = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Measurement m = sweep.get(i);
            x[i] = Integer.parseInt(m.name().substring("batch ".length()));
            y[i] = m.gflops();
            if (((int) x[i]) % 8 == 0) {
                x8.add(x[i]);
                y8.add(y[i]);
            }
        }
        var chart = Charts.line(title, "batch size", "GFLOP/s").series("every batch size", x, y);
        if (!x8.isEmpty())
            chart.points("multiples of 8", x8.stream().mapToDouble(Double::doubleValue).toArray(),
                    y8.stream().mapToDouble(Double::doubleValue).toArray());
        return chart;
    }

    /** Mean rate of the batch sizes that are multiples of {@code m}, over the mean of the others. */
    public static double multipleAdvantage(List<Measurement> sweep, int m) {
        double on = 0, off = 0;
        int nOn = 0, nOff = 0;
        for (Measurement r : sweep) {
            int b = Integer.parseInt(r.name().substring("batch ".length()));
            if (b % m == 0) {
                on += r.gflops();
                nOn++;
            } else {
                off += r.gflops();
                nOff++;
            }
        }
        if (nOn == 0 || nOff == 0)
            throw new IllegalArgumentException("the sweep needs sizes that are and are not multiples of " + m);
        return (on / nOn) / (off / nOff);
    }
}
