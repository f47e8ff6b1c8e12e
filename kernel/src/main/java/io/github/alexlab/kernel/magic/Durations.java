package io.github.alexlab.kernel.magic;

import java.util.Locale;

/** Durations for people: 3 significant digits in ns, µs, ms or s. */
public final class Durations {
    private Durations() {}

    public static String format(double nanos) {
        String[] units = {"ns", "µs", "ms", "s"};
        double v = nanos;
        int u = 0;
        while (u < units.length - 1 && Math.abs(v) >= 1000) {
            v /= 1000;
            u++;
        }
        String digits = Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits + " %s", v, units[u]);
    }
}
