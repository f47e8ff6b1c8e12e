package io.github.alexlab.nn;

import java.util.Arrays;

/** An input that does not fit a block: names the block, what it expects and what it got. */
public final class ShapeException extends IllegalArgumentException {
    public ShapeException(String layer, String expected, long[] actual) {
        super(layer + ": expected input " + expected + ", got " + Arrays.toString(actual));
    }

    /** Checks the rank and, where {@code expected[i] >= 0}, the size of dimension i (-1: any size). */
    public static void require(String layer, String meaning, long[] actual, long... expected) {
        boolean fits = actual.length == expected.length;
        for (int i = 0; fits && i < expected.length; i++)
            fits = expected[i] < 0 || expected[i] == actual[i];
        if (!fits)
            throw new ShapeException(layer, describe(expected) + " (" + meaning + ")", actual);
    }

    /** [N, 3, 224, 224] style, with N for "any". */
    static String describe(long[] expected) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < expected.length; i++) {
            if (i > 0)
                s.append(", ");
            s.append(expected[i] < 0 ? (i == 0 ? "N" : "*") : String.valueOf(expected[i]));
        }
        return s.append(']').toString();
    }
}
