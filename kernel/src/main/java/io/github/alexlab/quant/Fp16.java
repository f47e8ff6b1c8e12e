package io.github.alexlab.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IEEE 754 half precision (binary16), written out by hand: 1 sign bit, 5 exponent bits (bias 15),
 * 10 fraction bits. Conversions round to nearest, ties to even, as GPUs do.
 * <pre>
 *   value = (-1)^sign x 1.fraction x 2^(exponent - 15)     exponent 1..30 (normal)
 *   value = (-1)^sign x 0.fraction x 2^-14                 exponent 0 (subnormal, and zero)
 *   exponent 31: infinity (fraction 0) or NaN
 * </pre>
 * The cost of 16 bits: 3 decimal digits (epsilon 2^-10) and a range of 6.0e-8 .. 65504. Gradients
 * smaller than 6e-8 become 0 (underflow) and activations over 65504 become infinity (overflow):
 * what loss scaling in mixed-precision training is for.
 */
public final class Fp16 {
    /** The largest finite half: (2 - 2^-10) x 2^15. */
    public static final float MAX = 65504f;
    /** The smallest positive normal half: 2^-14. */
    public static final float MIN_NORMAL = 0x1p-14f;
    /** The smallest positive subnormal half: 2^-24. */
    public static final float MIN_SUBNORMAL = 0x1p-24f;
    /** The gap between 1 and the next half: 2^-10. */
    public static final float EPSILON = 0x1p-10f;

    private Fp16() {
    }

    /** The half nearest to {@code value} (ties to even), as its 16 bits. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;     // float's, bias 127
        int mantissa = bits & 0x7FFFFF;          // 23 bits
        if (exponent == 0xFF)                    // infinity stays infinity; NaN stays a (quiet) NaN
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 31)                  // too large even before rounding
            return (short) (sign | 0x7C00);
        if (halfExponent <= 0) {
            // Subnormal half (or zero): the value in units of 2^-24, rounded. Below half of the smallest
            // subnormal nothing is left.
            if (halfExponent < -10)
                return (short) sign;
            int significand = mantissa | 0x800000;     // the implicit 1
            int shift = 14 - halfExponent;             // 14..24 bits drop off
            int half = roundShift(significand, shift);
            return (short) (sign | half);              // a carry into bit 10 makes it the smallest normal: right
        }
        // Normal: keep 10 of the 23 mantissa bits, rounding the 13 that drop off; a carry may bump the
        // exponent, and past 30 it makes infinity (0x7C00), which is what IEEE rounding asks for.
        int rounded = roundShift((halfExponent << 23) | mantissa, 13);
        return (short) (sign | Math.min(rounded, 0x7C00));
    }

    /** value >> shift, rounded to nearest with ties to even. */
    static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int dropped = value & ((1 << shift) - 1), halfway = 1 << (shift - 1);
        if (dropped > halfway || (dropped == halfway && (kept & 1) == 1))
            kept++;
        return kept;
    }

    /** The exact float value of a half's 16 bits (every half is a float). */
    public static float toFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1F, fraction = h & 0x3FF;
        if (exponent == 0x1F)
            return Float.intBitsToFloat(sign | 0x7F800000 | (fraction << 13));
        if (exponent == 0) { // subnormal or zero: fraction x 2^-24 (negated as a float, so that -0 stays -0)
            float magnitude = fraction * MIN_SUBNORMAL;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (fraction << 13));
    }

    /** {@code value} as the nearest half would hold it. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }

    /** Every element rounded to half precision, returned as FLOAT (what storing in FP16 does to the numbers). */
    public static INDArray round(INDArray x) {
        float[] values = x.castTo(DataType.FLOAT).dup().data().asFloat();
        for (int i = 0; i < values.length; i++)
            values[i] = round(values[i]);
        return Nd4j.create(values, x.shape(), 'c');
    }
}
