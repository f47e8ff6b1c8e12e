package io.github.alexlab.bench;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.Escape;
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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The matmul ladder measured: the hand-written rungs of {@link MatmulLadder}, then the libraries
 * (ND4J on OpenBLAS; cuBLAS in FP32, TF32, FP16 and BF16 on a GPU), all on the same n x n inputs, in one
 * run. For each rung: its time, GFLOP/s, the speed-up over the rung it builds on and over the naive
 * loops, and its share of a peak (the CPU's measured {@link Ceilings}; a GPU's datasheet peak for its
 * precision, the only figure we have for tensor cores).
 * <p>
 * Every rung's result is checked against ND4J's: a fast wrong answer does not make the table.
 */
public final class Ladder implements HtmlView {
    /**
     * A measured rung: what it adds, the number of the rung it builds on ({@link #NO_RUNG} for the
     * first), its GPU precision (null on the CPU), its measurement, and its error against the reference.
     */
    public record Rung(int number, String name, String idea, int buildsOn, Gemm.Precision precision, Measurement measurement, double relativeError) {
    }

    private final int n;
    /** What the first rung builds on: nothing. */
    static final int NO_RUNG = 0;

    private final List<Rung> rungs;
    private final Ceilings cpuCeilings;
    private final Measurement copies;
    private final String gpuNote;

    private Ladder(int n, List<Rung> rungs, Ceilings cpuCeilings, Measurement copies, String gpuNote) {
        this.n = n;
        this.rungs = List.copyOf(rungs);
        this.cpuCeilings = cpuCeilings;
        this.copies = copies;
        this.gpuNote = gpuNote;
    }

    /**
     * Climbs the ladder at size n. {@code cpu} gives the CPU peak for the "% of peak" column; progress
     * (one line per rung) goes to {@code log}. GPU rungs run when a CUDA device is present.
     */
    public static Ladder climb(int n, Ceilings cpu, Consumer<String> log) {
        if (n < 16 || n > 8192)
            throw new IllegalArgumentException("the ladder runs at 16 <= n <= 8192, got " + n
                    + " (the naive rung alone takes minutes beyond 2048 on a small CPU)");
        Random random = new Random(n);
        float[][] a = new float[n][n], b = new float[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                a[i][j] = random.nextFloat() - 0.5f;
                b[i][j] = random.nextFloat() - 0.5f;
            }
        INDArray ha = Nd4j.create(a), hb = Nd4j.create(b);
        INDArray reference = ha.castTo(DataType.DOUBLE).mmul(hb.castTo(DataType.DOUBLE));
        double flops = 2.0 * n * n * n, bytes = 12.0 * n * n;
        List<Rung> rungs = new ArrayList<>();

        record Hand(String name, String idea, int buildsOn, MatmulLadderRung multiply) {
        }
        List<Hand> hands = List.of(
                new Hand("1 naive i-j-k", "the formula as written", NO_RUNG, MatmulLadder::naive),
                new Hand("2 interchanged i-k-j", "inner loop walks rows: in order, SIMD by the JIT", 1, MatmulLadder::interchanged),
                new Hand("3 transposed B", "B transposed: rows of both, but one long sum chain", 1, MatmulLadder::transposedB),
                new Hand("4 parallel", "rung 2 on every core", 2, MatmulLadder::parallel),
                new Hand("5 cache blocking", "rung 4 in tiles that stay in cache", 4, MatmulLadder::blocked),
                new Hand("6 SIMD (Vector API)", "tiles + 4x16 register block of FMAs", 5, MatmulLadder.Simd::multiply));
        float[][] c = new float[n][n];
        for (Hand h : hands) {
            // Warm the JIT on small products first, and estimate the full size from them (time grows as
            // n^3): a rung that takes seconds gets no full-size warm-up, a fast one gets three.
            float[][] s = new float[64][64], sc = new float[64][64];
            long start = 0;
            for (int r = 0; r < 20; r++) {
                if (r == 19)
                    start = System.nanoTime();
                h.multiply.multiply(s, s, sc);
            }
            double estimate = (System.nanoTime() - start) / 1e9 * Math.pow(n / 64.0, 3);
            Measurement m = Measure.of(h.name, () -> h.multiply.multiply(a, b, c)).flops(flops).bytes(bytes)
                    .warmups(estimate < 0.3 ? 3 : estimate < 3 ? 1 : 0).repeats(7).seconds(2).run();
            rungs.add(new Rung(rungs.size() + 1, h.name, h.idea, h.buildsOn, null, m, relativeError(Nd4j.create(c), reference)));
            log.accept(m.toString());
        }
        INDArray hc = Nd4j.create(DataType.FLOAT, n, n);
        Measurement nd4j = Measure.of("7 ND4J (OpenBLAS)", () -> Nd4j.gemm(ha, hb, hc, false, false, 1.0, 0.0))
                .flops(flops).bytes(bytes).warmups(2).repeats(7).seconds(2).run();
        rungs.add(new Rung(7, nd4j.name(), "a tuned library (assembly micro-kernels)", 6, null, nd4j, relativeError(hc, reference)));
        log.accept(nd4j.toString());

        Measurement copies = null;
        String gpuNote;
        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available()) {
            gpuNote = "GPU rungs need a GPU: " + cuda;
        } else {
            Device gpu = Device.gpu(0);
            gpuNote = "GPU: " + gpu.info().orElseThrow();
            copies = Measure.of("copy A, B to the GPU and C back", () -> {
                try (GpuArray ga = GpuArray.of(ha, gpu); GpuArray gb = GpuArray.of(hb, gpu)) {
                    ga.toHost();
                }
            }).on(gpu).bytes(bytes).warmups(1).repeats(5).run();
            int previous = 7;
            int number = 8;
            for (Gemm.Precision p : List.of(Gemm.Precision.FP32, Gemm.Precision.TF32, Gemm.Precision.FP16, Gemm.Precision.BF16)) {
                try (GpuArray ga = GpuArray.of(ha.castTo(p.input), gpu); GpuArray gb = GpuArray.of(hb.castTo(p.input), gpu);
                     GpuArray gc = GpuArray.zeros(gpu, p.output, n, n)) {
                    String name = number + " cuBLAS " + p;
                    Measurement m = Measure.of(name, () -> Gemm.multiply(ga, gb, gc, p)).on(gpu).flops(flops)
                            .bytes(bytes * p.input.width() / 4.0).warmups(2).repeats(10).seconds(2).run();
                    rungs.add(new Rung(number, name, idea(p), previous, p, m, relativeError(gc.toHost(), reference)));
                    log.accept(m.toString());
                    previous = number;
                    number++;
                }
            }
        }
        return new Ladder(n, rungs, cpu, copies, gpuNote);
    }

    /** One rung of {@link MatmulLadder}: C = A B on float[n][n]. */
    @FunctionalInterface
    interface MatmulLadderRung {
        void multiply(float[][] a, float[][] b, float[][] c);
    }

    private static String idea(Gemm.Precision p) {
        return switch (p) {
            case FP32 -> "thousands of FP32 cores";
            case TF32 -> "tensor cores, inputs rounded to 10-bit mantissas";
            case FP16 -> "tensor cores, FP16 inputs, FP32 sums";
            case BF16 -> "tensor cores, BF16 inputs, FP32 sums";
            case INT8 -> "integer tensor cores";
        };
    }

    private static double relativeError(INDArray got, INDArray reference) {
        INDArray g = got.castTo(DataType.DOUBLE);
        return g.sub(reference).norm2Number().doubleValue() / reference.norm2Number().doubleValue();
    }

    public int n() {
        return n;
    }

    public List<Rung> rungs() {
        return rungs;
    }

    public Rung rung(int number) {
        return rungs.stream().filter(r -> r.number == number).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rung " + number + " in this run (" + gpuNote + ")"));
    }

    /** The fastest hand-written Java rung (1-6). */
    public Rung bestHandWritten() {
        return rungs.stream().filter(r -> r.number <= 6)
                .min((x, y) -> Double.compare(x.measurement.median(), y.measurement.median())).orElseThrow();
    }

    /** The host-to-GPU-and-back copies of one product, when a GPU ran. */
    public Optional<Measurement> copies() {
        return Optional.ofNullable(copies);
    }

    /** "GPU: ..." or why the GPU rungs did not run. */
    public String gpuNote() {
        return gpuNote;
    }

    /** The peak a rung is compared with, GFLOP/s: the CPU's measured one, or the GPU's datasheet one; NaN if unknown. */
    public double peakFor(Rung r) {
        Device d = r.measurement.device();
        if (!d.isGpu())
            return cpuCeilings.peakGflops();
        return DatasheetPeaks.forDevice(d.info().orElseThrow().name())
                .map(x -> x.tflops().get(r.precision)).map(t -> t * 1e3).orElse(Double.NaN);
    }

    public Table table() {
        Table t = Table.create(String.format(Locale.ROOT, "The matmul ladder at n = %d (%,.0f MFLOP per product)", n, 2.0 * n * n * n / 1e6),
                StringColumn.create("rung"), StringColumn.create("idea"), StringColumn.create("device"), IntColumn.create("runs"),
                DoubleColumn.create("median ms"), DoubleColumn.create("GFLOP/s"), StringColumn.create("builds on"),
                DoubleColumn.create("x over that rung"), DoubleColumn.create("x over naive"), DoubleColumn.create("% of peak"),
                DoubleColumn.create("rel. error"));
        Measurement naive = rung(1).measurement;
        for (Rung r : rungs) {
            Measurement m = r.measurement;
            t.stringColumn("rung").append(r.name);
            t.stringColumn("idea").append(r.idea);
            t.stringColumn("device").append(m.device().toString());
            t.intColumn("runs").append(m.runs());
            t.doubleColumn("median ms").append(Units.round3(m.medianMillis()));
            t.doubleColumn("GFLOP/s").append(Units.round3(m.gflops()));
            t.stringColumn("builds on").append(r.buildsOn == NO_RUNG ? "-" : rung(r.buildsOn).name);
            t.doubleColumn("x over that rung").append(r.buildsOn == NO_RUNG ? Double.NaN : Units.round3(m.speedupOver(rung(r.buildsOn).measurement)));
            t.doubleColumn("x over naive").append(Units.round3(m.speedupOver(naive)));
            t.doubleColumn("% of peak").append(Units.round3(100 * m.gflops() / peakFor(r)));
            t.doubleColumn("rel. error").append(Double.parseDouble(String.format(Locale.ROOT, "%.1e", r.relativeError)));
        }
        return t;
    }

    /** Speed-up over the naive loops, rung by rung (log scale: the ladder spans powers of ten). */
    public Charts.Bars chart() {
        Measurement naive = rung(1).measurement;
        return Charts.bar("Speed-up over the naive loops, n = " + n, "", "x faster than rung 1 (log)").logY().size(820, 440)
                .series("speed-up", rungs.stream().map(Rung::name).toList(),
                        rungs.stream().mapToDouble(r -> r.measurement.speedupOver(naive)).toArray());
    }

    @Override
    public String toHtml() {
        return TableView.html(table()) + "<p>" + Escape.html(gpuNote) + "</p>";
    }

    @Override
    public String toString() {
        return TableView.text(table()) + "\n" + gpuNote;
    }
}
