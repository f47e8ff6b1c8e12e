package io.github.alexlab.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * bfloat16 ("brain float", Google 2018): the upper 16 bits of a float. 1 sign bit, the float's 8
 * exponent bits, 7 fraction bits. It keeps FP32's whole range (up to 3.4e38, so no loss scaling) and
 * gives up precision: epsilon 2^-7, about 2 decimal digits. Converting rounds to nearest, ties to
 * even, on the 16 bits that are dropped.
 */
public final class Bf16 {
    /** The largest finite bfloat16: (2 - 2^-7) x 2^127. */
    public static final float MAX = 0x1.FEp127f;
    /** The smallest positive normal bfloat16 (the float's): 2^-126. */
    public static final float MIN_NORMAL = 0x1p-126f;
    /** The smallest positive subnormal bfloat16: 2^-133. */
    public static final float MIN_SUBNORMAL = 0x1p-133f;
    /** The gap between 1 and the next bfloat16: 2^-7. */
    public static final float EPSILON = 0x1p-7f;

    private Bf16() {
    }

    /** The bfloat16 nearest to {@code value} (ties to even), as its 16 bits. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) // keep it a NaN: rounding could carry the payload away into infinity
            return (short) ((bits >>> 16) | 0x40);
        // Adding 0x7FFF rounds up what is above halfway; the kept part's lowest bit adds the last 1
        // exactly at halfway when it is odd (ties to even). A carry runs into the exponent, as it should,
        // and past the largest finite value makes infinity.
        int lowestKept = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lowestKept) >>> 16);
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    public static float round(float value) {
        return toFloat(fromFloat(value));
    }

    /** Every element rounded to bfloat16, returned as FLOAT. */
    public static INDArray round(INDArray x) {
        float[] values = x.castTo(DataType.FLOAT).dup().data().asFloat();
        for (int i = 0; i < values.length; i++)
            values[i] = round(values[i]);
        return Nd4j.create(values, x.shape(), 'c');
    }
}
