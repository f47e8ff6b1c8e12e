package io.github.alexlab.bench;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.viz.Units;

import java.util.Arrays;
import java.util.Locale;

/**
 * What {@link Measure} found: the seconds of every timed run, and the work of one run (NaN where it
 * was not counted). Rates use the median run: one slow run (a garbage collection, another program)
 * moves the mean but not the median; min and max show how much the runs spread.
 */
public record Measurement(String name, Device device, double[] seconds, double flops, double bytes) {
    public Measurement {
        if (seconds.length == 0)
            throw new IllegalArgumentException(name + ": a measurement needs at least one timed run");
        seconds = seconds.clone();
    }

    @Override
    public double[] seconds() {
        return seconds.clone();
    }

    public int runs() {
        return seconds.length;
    }

    /** The median run's seconds (the mean of the middle two for an even count). */
    public double median() {
        return median(seconds);
    }

    /** The median of some values (the mean of the middle two for an even count); the values stay as they are. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    public double min() {
        return Arrays.stream(seconds).min().orElseThrow();
    }

    public double max() {
        return Arrays.stream(seconds).max().orElseThrow();
    }

    public double medianMillis() {
        return median() * 1e3;
    }

    /** Billions of floating-point operations per second in the median run; NaN if the work was not counted. */
    public double gflops() {
        return flops / median() / 1e9;
    }

    /** Billions of bytes moved per second in the median run; NaN if the bytes were not counted. */
    public double gbPerSecond() {
        return bytes / median() / 1e9;
    }

    /** Arithmetic intensity: operations per byte moved, the x axis of a roofline. */
    public double intensity() {
        return flops / bytes;
    }

    /** How many times faster than {@code other} (by median). */
    public double speedupOver(Measurement other) {
        return other.median() / median();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s on %s: median %s (min %s, max %s, %d run%s)",
                name, device, Units.time(median()), Units.time(min()), Units.time(max()), runs(), runs() == 1 ? "" : "s"));
        if (!Double.isNaN(flops))
            s.append(String.format(Locale.ROOT, ", %.3g GFLOP/s", gflops()));
        if (!Double.isNaN(bytes))
            s.append(String.format(Locale.ROOT, ", %.3g GB/s", gbPerSecond()));
        return s.toString();
    }
}
