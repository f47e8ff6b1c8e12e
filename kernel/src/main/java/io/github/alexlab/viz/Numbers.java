package io.github.alexlab.viz;

import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Numbers written for people, the same way in tables, charts and progress lines: a few significant
 * digits (0.1 + 0.2 shows as 0.3), thousands separators (1,009,945,728), and powers of ten for the
 * very small (4.8e-4).
 */
public final class Numbers {
    /** Below this (and above 0), plain decimals get long: 0.000048 reads better as 4.8e-5. */
    private static final double SMALL = 1e-3;
    /** From here on, even grouped digits get long: 1.2e15. */
    private static final double LARGE = 1e15;

    private Numbers() {}

    /** A count with thousands separators: 1,009,945,728. */
    public static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * {@code x} to at most {@code digits} significant digits, without trailing zeros: 2.196 (for
     * 2.1956961), 0.3 (for 0.30000000000000004), 1,234,600 (for 1234567 to 5 digits), 4.804e-4.
     */
    public static String significant(double x, int digits) {
        if (Double.isNaN(x) || Double.isInfinite(x))
            return String.valueOf(x);
        if (x == 0)
            return "0";
        BigDecimal rounded = new BigDecimal(x).round(new MathContext(digits));
        double size = Math.abs(rounded.doubleValue());
        if (size < SMALL || size >= LARGE) {
            BigDecimal mantissa = rounded.movePointLeft(rounded.precision() - rounded.scale() - 1);
            int exponent = rounded.precision() - rounded.scale() - 1;
            return mantissa.stripTrailingZeros().toPlainString() + "e" + exponent;
        }
        DecimalFormat format = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        format.setMaximumFractionDigits(Math.max(0, rounded.stripTrailingZeros().scale()));
        return format.format(rounded);
    }

    /**
     * A number in at most 4 significant digits, without trailing zeros: 0.1235, 3, 1.5e+06, NaN.
     * Like numpy's default print, but shorter (the entries of a tensor preview).
     */
    public static String compact(double v) {
        if (Double.isNaN(v))
            return "NaN";
        if (Double.isInfinite(v))
            return v > 0 ? "Inf" : "-Inf";
        if (v == 0)
            return "0";
        String s = String.format(Locale.ROOT, "%.4g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            int end = mantissa.length();
            while (mantissa.charAt(end - 1) == '0')
                end--;
            if (mantissa.charAt(end - 1) == '.')
                end--;
            mantissa = mantissa.substring(0, end);
        }
        return mantissa + exponent;
    }

    /** A fraction as a percentage: percent(0.85371, 2) is "85.37%". */
    public static String percent(double fraction, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * fraction);
    }

    /**
     * A fraction as a percentage to {@code digits} significant digits, never with a power of ten
     * (tiny shares are the point where they appear): 6.22e-5 is "0.00622%", 0.67 is "67%".
     */
    public static String percentSignificant(double fraction, int digits) {
        if (fraction == 0 || !Double.isFinite(fraction))
            return (fraction == 0 ? "0" : String.valueOf(100 * fraction)) + "%";
        return new BigDecimal(100 * fraction).round(new MathContext(digits)).stripTrailingZeros().toPlainString() + "%";
    }

    /** A print format for a column of counts: 1,009,945,728. */
    public static NumberColumnFormatter groupedColumn() {
        return column(n -> grouped((long) n));
    }

    /**
     * A tablesaw print format that writes each number with {@code format}: the column keeps its
     * exact values for code, and shows them (in HTML and as text) the way people read them.
     * Missing values show as an empty cell.
     */
    public static NumberColumnFormatter column(DoubleFunction<String> format) {
        return new NumberColumnFormatter(new NumberFormat() {
            @Override
            public StringBuffer format(double number, StringBuffer to, FieldPosition position) {
                return to.append(format.apply(number));
            }

            @Override
            public StringBuffer format(long number, StringBuffer to, FieldPosition position) {
                return to.append(format.apply(number));
            }

            @Override
            public Number parse(String source, ParsePosition position) {
                throw new UnsupportedOperationException("a display format only");
            }
        }, "");
    }
}
