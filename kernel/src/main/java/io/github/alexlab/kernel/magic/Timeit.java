package io.github.alexlab.kernel.magic;

import io.github.alexlab.cuda.Cuda;

import java.util.Arrays;
import java.util.Locale;

/**
 * The runtime side of {@code %%timeit}: calls the cell's code in a loop, picks the loop count so one
 * run takes at least 0.2 s (as IPython does), repeats the run and reports the median per loop with
 * the spread. The first call is a warm-up (class loading, JIT) and is not counted. On a machine with a
 * GPU each run ends with cudaDeviceSynchronize, so GPU work is timed to its end, not to its launch.
 */
public final class Timeit {
    @FunctionalInterface
    public interface Body {
        void run() throws Throwable;
    }

    /** Per-loop times of each run, in nanoseconds. */
    public record Result(int loops, double[] perLoopNanos) {
        public double median() {
            double[] s = perLoopNanos.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        public double min() {
            return Arrays.stream(perLoopNanos).min().orElse(Double.NaN);
        }

        public double max() {
            return Arrays.stream(perLoopNanos).max().orElse(Double.NaN);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s per loop (median of %d runs, %,d loop%s each; spread %s … %s)",
                    Durations.format(median()), perLoopNanos.length, loops, loops == 1 ? "" : "s",
                    Durations.format(min()), Durations.format(max()));
        }
    }

    private static final double TARGET_RUN_NANOS = 0.2e9;
    private static volatile Object sink; // where results go so the JIT cannot drop the work

    private Timeit() {}

    public static Result run(Body body, int loops, int runs) throws Throwable {
        body.run(); // warm-up
        if (loops <= 0)
            loops = chooseLoops(body);
        double[] perLoop = new double[Math.max(1, runs)];
        for (int r = 0; r < perLoop.length; r++)
            perLoop[r] = time(body, loops) / loops;
        return new Result(loops, perLoop);
    }

    private static int chooseLoops(Body body) throws Throwable {
        for (int scale = 1; ; scale *= 10) {
            for (int step : new int[]{1, 2, 5}) {
                int loops = step * scale;
                if (time(body, loops) >= TARGET_RUN_NANOS || loops >= 100_000_000)
                    return loops;
            }
        }
    }

    private static double time(Body body, int loops) throws Throwable {
        Cuda.synchronize(); // GPU work queued before the run is not the run's
        long t0 = System.nanoTime();
        for (int i = 0; i < loops; i++)
            body.run();
        Cuda.synchronize(); // GPU calls return at launch: the run ends when the GPU is done
        return System.nanoTime() - t0;
    }

    /** Keeps an expression's value alive (the last line of a timed cell is passed through here). */
    public static void consume(Object value) {
        sink = value;
    }
}
