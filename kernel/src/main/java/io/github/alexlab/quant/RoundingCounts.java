package io.github.alexlab.quant;

import io.github.alexlab.quant.MixedPrecisionTraining.Format;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rounding an array to a number format, element by element, and what it did: how many nonzero
 * values there were, how many became zero (underflow) and how many became infinite (overflow).
 */
final class RoundingCounts {
    long nonzero, flushed, nonFinite;

    /** Every element of {@code x} rounded to {@code format} (a copy); with {@code counts} (may be null), counted. */
    static INDArray round(INDArray x, Format format, RoundingCounts counts) {
        if (format == Format.FP32)
            return x;
        INDArray rounded = x.castTo(DataType.FLOAT).dup('c'); // a fresh row-major copy, rounded in place below
        float[] values = new float[Math.toIntExact(rounded.length())];
        FloatPointer memory = new FloatPointer(rounded.data().pointer());
        memory.get(values); // one bulk copy out of ND4J's memory, one back in at the end
        for (int i = 0; i < values.length; i++) {
            float before = values[i], after = format.round(before);
            if (counts != null) {
                if (before != 0) {
                    counts.nonzero++;
                    if (after == 0)
                        counts.flushed++; // underflow: a real gradient is now nothing
                }
                if (!Float.isFinite(after))
                    counts.nonFinite++;   // overflow (or a NaN that came in)
            }
            values[i] = after;
        }
        memory.put(values);
        return rounded;
    }
}
