package io.github.alexlab.bench;

import java.util.Locale;

/** Times and sizes in the unit a person would say: 850 µs, 12.3 ms, 4.21 s; 3.0 GiB. */
public final class Units {
    private Units() {
    }

    public static String time(double seconds) {
        if (seconds < 1e-3)
            return String.format(Locale.ROOT, "%.3g µs", seconds * 1e6);
        if (seconds < 1)
            return String.format(Locale.ROOT, "%.3g ms", seconds * 1e3);
        return String.format(Locale.ROOT, "%.3g s", seconds);
    }

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
