package io.github.alexlab.viz;

import java.util.Locale;

/** Times and sizes in the unit a person would say: 850 µs, 12.3 ms, 4.21 s, 18 days, 2.3 years; 3.0 GiB. */
public final class Units {
    private static final String[] TIME_UNITS = {"ns", "µs", "ms", "s", "min", "h", "day", "year"};
    /** How many of each unit make the next: 1000 ns in a µs, ..., 60 s in a minute, 365.25 days in a year. */
    private static final double[] NEXT_UNIT = {1000, 1000, 1000, 60, 60, 24, 365.25};

    private Units() {
    }

    /**
     * A duration to 3 significant digits in the largest unit it fills at least once: 850 µs,
     * 1.5 min (not 90 s), 18 days, 2.3 years. Days and years take a plural.
     */
    public static String time(double seconds) {
        if (seconds == 0)
            return "0 s";
        if (!Double.isFinite(seconds))
            return seconds + " s";
        int u = 0;
        double value = round3(seconds * 1e9);
        // Up a unit while the rounded number fills it: 999.96 µs rounds to 1,000 µs, which says 1 ms.
        while (u < NEXT_UNIT.length && Math.abs(value) >= NEXT_UNIT[u]) {
            value = round3(value / NEXT_UNIT[u]);
            u++;
        }
        String number = Numbers.significant(value, 3);
        boolean dayOrYear = u >= 6;
        return number + " " + TIME_UNITS[u] + (dayOrYear && !number.equals("1") ? "s" : "");
    }

    /** Elapsed time as a progress bar shows it: 42.3 s under a minute, then 3 min 05 s. */
    public static String clock(double seconds) {
        if (seconds < 60)
            return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    /** A size in the largest binary unit it fills: 512 B, 1.5 KiB, 3.0 GiB. */
    public static String bytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", bytes) : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }

    /** A number to 3 significant figures, for tables (whole numbers from 1000 up). */
    public static double round3(double x) {
        if (x == 0 || Double.isNaN(x) || Double.isInfinite(x))
            return x;
        if (Math.abs(x) >= 1000)
            return Math.rint(x);
        double scale = Math.pow(10, 2 - Math.floor(Math.log10(Math.abs(x))));
        return Math.rint(x * scale) / scale;
    }
}
