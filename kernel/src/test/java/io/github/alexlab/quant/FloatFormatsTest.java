package io.github.alexlab.quant;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FP16 and BF16 casts against known bit patterns (IEEE 754-2008 binary16; bfloat16 as the upper half of binary32). */
class FloatFormatsTest {
    static void half(int expectedBits, float value) {
        assertEquals(String.format("0x%04X", expectedBits), String.format("0x%04X", Fp16.fromFloat(value) & 0xFFFF), "fp16(" + value + ")");
    }

    @Test
    void fp16KnownValues() {
        half(0x3C00, 1f);
        half(0xC000, -2f);
        half(0x0000, 0f);
        half(0x8000, -0f);
        half(0x7BFF, 65504f);                  // the largest finite half
        half(0x3555, 1f / 3);                  // 0.333251953125
        half(0x2E66, 0.1f);                    // 0.0999755859375
        half(0x0400, 0x1p-14f);                // the smallest normal
        half(0x03FF, 0x1p-14f - 0x1p-24f);     // the largest subnormal
        half(0x0001, 0x1p-24f);                // the smallest subnormal
        half(0x7C00, Float.POSITIVE_INFINITY);
        half(0xFC00, Float.NEGATIVE_INFINITY);
    }

    @Test
    void fp16RoundsTiesToEven() {
        half(0x3C00, 1f + 0x1p-11f);           // halfway between 0x3C00 and 0x3C01: to the even one, 0x3C00
        half(0x3C02, 1f + 3 * 0x1p-11f);       // halfway between 0x3C01 and 0x3C02: to 0x3C02
        half(0x3C01, 1f + 0x1p-11f + 0x1p-20f); // just above halfway: up
        half(0x0000, 0x1p-25f);                // halfway between 0 and the smallest subnormal: to 0
        half(0x0001, 0x1.8p-25f);              // above halfway: the smallest subnormal
        half(0x0002, 3 * 0x1p-25f);            // halfway between subnormals 1 and 2: to 2
        half(0x0400, 0x1p-14f - 0x1p-25f);     // halfway between the largest subnormal and the smallest normal: even (0x0400)
    }

    @Test
    void fp16OverflowsToInfinityAsIeeeRoundingSays() {
        half(0x7BFF, 65519.99f);               // below halfway to 65536: the largest finite
        half(0x7C00, 65520f);                  // halfway, and 0x7BFF is odd: up, to infinity
        half(0x7C00, 1e6f);
        half(0xFC00, -1e6f);
        assertTrue(Float.isNaN(Fp16.toFloat(Fp16.fromFloat(Float.NaN))));
    }

    @Test
    void fp16RoundTripsEveryHalfExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = Fp16.toFloat(h);
            if (Float.isNaN(f))
                assertTrue(Float.isNaN(Fp16.toFloat(Fp16.fromFloat(f))));
            else
                assertEquals(bits, Fp16.fromFloat(f) & 0xFFFF, "half 0x" + Integer.toHexString(bits) + " = " + f);
        }
    }

    @Test
    void fp16AgreesWithNd4jOnRandomValues() {
        Random random = new Random(16);
        float[] values = new float[20_000];
        for (int i = 0; i < values.length; i++)
            values[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(2, random.nextInt(50) - 30));
        float[] nd4j = Nd4j.createFromArray(values).castTo(DataType.HALF).castTo(DataType.FLOAT).toFloatVector();
        for (int i = 0; i < values.length; i++)
            assertEquals(nd4j[i], Fp16.round(values[i]), "fp16(" + values[i] + ")");
    }

    @Test
    void fp16Constants() {
        assertEquals(Fp16.MAX, Fp16.toFloat((short) 0x7BFF));
        assertEquals(Fp16.MIN_NORMAL, Fp16.toFloat((short) 0x0400));
        assertEquals(Fp16.MIN_SUBNORMAL, Fp16.toFloat((short) 0x0001));
        assertEquals(1f + Fp16.EPSILON, Fp16.toFloat((short) 0x3C01));
    }

    static void bf16(int expectedBits, float value) {
        assertEquals(String.format("0x%04X", expectedBits), String.format("0x%04X", Bf16.fromFloat(value) & 0xFFFF), "bf16(" + value + ")");
    }

    @Test
    void bf16KnownValuesTiesAndOverflow() {
        bf16(0x3F80, 1f);
        bf16(0xC000, -2f);
        bf16(0x4049, (float) Math.PI);         // 3.140625
        bf16(0x3F80, 1f + 0x1p-8f);            // halfway: to even (0x3F80)
        bf16(0x3F82, 1f + 3 * 0x1p-8f);        // halfway: to even (0x3F82)
        bf16(0x3F81, 1f + 0x1p-8f + 0x1p-20f); // above halfway: up
        bf16(0x7F7F, Bf16.MAX);
        bf16(0x7F80, Float.MAX_VALUE);         // rounds past the largest finite: infinity
        bf16(0x0001, Bf16.MIN_SUBNORMAL);
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.intBitsToFloat(0x7F800001))))); // a NaN that would carry to infinity
        assertEquals(1f + Bf16.EPSILON, Bf16.toFloat((short) 0x3F81));
    }

    @Test
    void bf16AgreesWithNd4jOnRandomValues() {
        Random random = new Random(17);
        float[] values = new float[20_000];
        for (int i = 0; i < values.length; i++)
            values[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(2, random.nextInt(200) - 100));
        float[] nd4j = Nd4j.createFromArray(values).castTo(DataType.BFLOAT16).castTo(DataType.FLOAT).toFloatVector();
        int differ = 0;
        for (int i = 0; i < values.length; i++)
            if (nd4j[i] != Bf16.round(values[i]))
                differ++;
        assertEquals(0, differ, differ + " of " + values.length + " values round differently from ND4J");
    }
}
