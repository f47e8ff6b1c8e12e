package io.github.alexlab.bench;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuTimer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Times one piece of work the way a benchmark should:
 * warm-up runs first (the JIT compiles, caches fill, cuBLAS picks its kernels), then repeated runs,
 * reported as median, min and max; the work is counted (FLOPs, bytes) so that a time becomes a rate.
 * <pre>{@code
 * Measurement m = Measure.of("SGEMM 1024", () -> a.mmul(b)).flops(2.0 * n * n * n).bytes(3.0 * 4 * n * n).run();
 * m.gflops();  m.median();
 * }</pre>
 * On a GPU, a call returns once the work is queued, so a wall clock would time the launch. There the
 * work is timed with CUDA events ({@link GpuTimer}), after waiting for anything queued before it.
 * <p>
 * Quick work warms up for at least 0.2 s when warm-ups are asked for. Slow work does not repeat forever: after the warm-up, runs stop once {@link #seconds} have passed
 * (at least one run is always timed), and the measurement says how many runs it has.
 */
public final class Measure {
    /** With warm-ups asked for, they go on until this much time has passed (or {@link #MAX_WARMUPS} runs). */
    static final long WARMUP_NANOS = 200_000_000L;
    static final int MAX_WARMUPS = 1000;

    private final String name;
    private final Runnable work;
    private Runnable before = () -> { };
    private Device device = Device.cpu();
    private double flops = Double.NaN, bytes = Double.NaN;
    private int warmups = 1, repeats = 5;
    private double seconds = 2.0;

    private Measure(String name, Runnable work) {
        this.name = Objects.requireNonNull(name, "name");
        this.work = Objects.requireNonNull(work, "work");
    }

    /** The work to time, under a name for tables and charts. */
    public static Measure of(String name, Runnable work) {
        return new Measure(name, work);
    }

    /** Where the work runs; on a GPU it is timed with CUDA events (default: the CPU). */
    public Measure on(Device device) {
        this.device = Objects.requireNonNull(device, "device");
        return this;
    }

    /** Untimed preparation before every run (e.g. a forward pass before the backward pass that is timed). */
    public Measure before(Runnable setup) {
        this.before = Objects.requireNonNull(setup, "setup");
        return this;
    }

    /** Floating-point operations of one run (a multiply-add counts 2), for GFLOP/s. */
    public Measure flops(double flops) {
        this.flops = requireCount("flops", flops);
        return this;
    }

    /** Bytes one run must move to or from memory at least, for GB/s and arithmetic intensity. */
    public Measure bytes(double bytes) {
        this.bytes = requireCount("bytes", bytes);
        return this;
    }

    /** Untimed runs first (default 1; when at least one, more follow until 0.2 s have passed). */
    public Measure warmups(int runs) {
        if (runs < 0)
            throw new IllegalArgumentException(name + ": warm-up runs must be >= 0, got " + runs);
        this.warmups = runs;
        return this;
    }

    /** Timed runs at most (default 5). */
    public Measure repeats(int runs) {
        if (runs < 1)
            throw new IllegalArgumentException(name + ": a measurement needs at least 1 timed run, got " + runs);
        this.repeats = runs;
        return this;
    }

    /** No new timed run starts after this many seconds of timed runs (default 2; at least one run is timed). */
    public Measure seconds(double limit) {
        if (!(limit > 0))
            throw new IllegalArgumentException(name + ": the time limit must be > 0 seconds, got " + limit);
        this.seconds = limit;
        return this;
    }

    /** Runs the warm-ups and the timed runs. */
    public Measurement run() {
        // Quick work warms up for a while more: a few calls do not finish the JIT's work, nor wake a
        // library's thread pool for good (ND4J's small GEMMs are 100x slower for their first dozen calls).
        long warmStart = System.nanoTime();
        for (int r = 0; r < warmups || (warmups > 0 && r < MAX_WARMUPS && System.nanoTime() - warmStart < WARMUP_NANOS); r++) {
            before.run();
            work.run();
            synchronize(); // on a GPU, so that the clock above sees the work, not its launch
        }
        synchronize();
        List<Double> times = new ArrayList<>();
        double total = 0;
        while (times.size() < repeats && (times.isEmpty() || total < seconds)) {
            before.run();
            double t = timeOnce();
            times.add(t);
            total += t;
        }
        return new Measurement(name, device, times.stream().mapToDouble(Double::doubleValue).toArray(), flops, bytes);
    }

    private double timeOnce() {
        if (!device.isGpu()) {
            long start = System.nanoTime();
            work.run();
            return (System.nanoTime() - start) / 1e9;
        }
        synchronize(); // the setup's GPU work must not be timed
        try (GpuTimer timer = GpuTimer.start(device)) {
            work.run();
            return timer.stopMillis() / 1e3;
        }
    }

    private void synchronize() {
        device.synchronize();
    }

    private double requireCount(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value))
            throw new IllegalArgumentException(name + ": " + what + " must be a count >= 0, got " + value);
        return value;
    }
}
