package io.github.alexlab.kernel.magic;

import io.github.alexlab.viz.Units;

/** Durations for people, from nanoseconds: 3 significant digits in the largest unit that fits (850 µs, 1.5 min). */
public final class Durations {
    private Durations() {}

    public static String format(double nanos) {
        return Units.time(nanos / 1e9);
    }
}
