package io.github.alexlab.quant;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossScalerTest {
    @Test
    void dynamicScaleSkipsAnOverflowedStepAndHalves() {
        LossScaler s = LossScaler.dynamic(1024, 3);
        assertFalse(s.update(true), "an overflowed step must be skipped");
        assertEquals(512, s.scale());
        LossScaler.Step first = s.history().get(0);
        assertEquals(1024, first.scale(), "the history records the scale the step used");
        assertTrue(first.overflow() && first.skipped());
        assertEquals(1, s.skippedSteps());
        assertEquals(1, s.overflowSteps());
    }

    @Test
    void dynamicScaleDoublesAfterTheGrowthIntervalOfGoodStepsInARow() {
        LossScaler s = LossScaler.dynamic(1024, 3);
        assertTrue(s.update(false));
        assertTrue(s.update(false));
        assertEquals(1024, s.scale(), "two good steps of three: not yet");
        assertTrue(s.update(false));
        assertEquals(2048, s.scale(), "three good steps in a row: doubled");
        // an overflow resets the count: 2 good, 1 bad, 2 good is not 3 in a row
        s.update(false);
        s.update(false);
        s.update(true);
        assertEquals(1024, s.scale());
        s.update(false);
        s.update(false);
        assertEquals(1024, s.scale());
        s.update(false);
        assertEquals(2048, s.scale());
        assertEquals(9, s.steps());
        assertEquals(1, s.skippedSteps());
        assertEquals(9, s.scales().length);
        assertEquals(2048, s.scales()[5], "step 5 ran at 2048 and overflowed");
        assertEquals(1024, s.scales()[6], "so step 6 ran at half of it");
    }

    @Test
    void theDefaultsAreTwoToTheFifteenAndTwoThousandSteps() {
        LossScaler s = LossScaler.dynamic();
        assertEquals(0x1p15, s.scale());
        assertEquals(2000, s.growthInterval());
        for (int i = 0; i < 1999; i++)
            s.update(false);
        assertEquals(0x1p15, s.scale());
        s.update(false);
        assertEquals(0x1p16, s.scale());
    }

    @Test
    void aDynamicScaleNeverFallsBelowOne() {
        LossScaler s = LossScaler.dynamic(4, 100);
        for (int i = 0; i < 10; i++)
            assertFalse(s.update(true));
        assertEquals(LossScaler.MIN_SCALE, s.scale());
    }

    @Test
    void aFixedScaleNeverChangesNorSkips() {
        LossScaler s = LossScaler.fixed(1024);
        assertTrue(s.update(true), "a fixed scale applies every step, even an overflowed one");
        for (int i = 0; i < 5000; i++)
            s.update(false);
        assertEquals(1024, s.scale());
        assertEquals(1, s.overflowSteps());
        assertEquals(0, s.skippedSteps());
        assertEquals(1, LossScaler.none().scale());
        assertFalse(LossScaler.none().isDynamic());
    }

    @Test
    void aGradientOfOneE8UnderflowsInFp16WithoutScalingAndSurvivesWithScaling() {
        float g = 1e-8f;
        assertEquals(0f, Fp16.round(g), "1e-8 is below half of FP16's smallest subnormal (2^-25 = 3e-8)");

        LossScaler s = LossScaler.fixed(1024);
        INDArray gradient = Nd4j.create(new float[]{g, -g, 3 * g}, new long[]{3}, 'c');
        INDArray inFp16 = Fp16.round(s.scaled(gradient));
        for (int i = 0; i < 3; i++)
            assertTrue(inFp16.getFloat(i) != 0, "scaled by 1024, element " + i + " survives FP16: " + inFp16);
        INDArray back = s.unscale(inFp16);
        for (int i = 0; i < 3; i++) {
            double expected = gradient.getDouble(i), got = back.getDouble(i);
            // 1.024e-5 is an FP16 subnormal: spacing 2^-24, so at most 2^-25 / 1.024e-5 = 0.3% off
            assertEquals(expected, got, 0.003 * Math.abs(expected), "unscaled element " + i);
        }
    }

    @Test
    void bf16KeepsOneE8WithoutScalingSinceItHasFp32sRange() {
        float g = 1e-8f;
        assertEquals(g, Bf16.round(g), g * Bf16.EPSILON, "BF16 holds 1e-8 to within its precision");
        assertTrue(Bf16.round(g) != 0);
        assertEquals(0f, Bf16.round(1e-45f), "only far below FP32's normal range does BF16 lose a value");
    }

    @Test
    void infAndNanAreFound() {
        assertFalse(LossScaler.hasInfOrNaN(Nd4j.create(new float[]{1, -2, 65504, 0}, new long[]{4}, 'c')));
        assertTrue(LossScaler.hasInfOrNaN(Nd4j.create(new float[]{1, Float.POSITIVE_INFINITY}, new long[]{2}, 'c')));
        assertTrue(LossScaler.hasInfOrNaN(Nd4j.create(new float[]{Float.NaN, 1}, new long[]{2}, 'c')));
        assertTrue(LossScaler.hasInfOrNaN(Nd4j.create(new float[]{Float.NEGATIVE_INFINITY}, new long[]{1}, 'c').castTo(DataType.FLOAT)));
    }

    @Test
    void badArgumentsAreNamed() {
        var zero = assertThrows(IllegalArgumentException.class, () -> LossScaler.fixed(0));
        assertTrue(zero.getMessage().contains("finite number > 0"), zero.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> LossScaler.dynamic(0.5, 10));
        assertTrue(small.getMessage().contains("0.5"), small.getMessage());
        var interval = assertThrows(IllegalArgumentException.class, () -> LossScaler.dynamic(1024, 0));
        assertTrue(interval.getMessage().contains("growth interval"), interval.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LossScaler.fixed(Double.POSITIVE_INFINITY));
    }

    @Test
    void describesItself() {
        assertEquals("no loss scaling", LossScaler.none().toString());
        assertEquals("fixed loss scale 2^10", LossScaler.fixed(1024).toString());
        assertTrue(LossScaler.dynamic().toString().contains("2^15"), LossScaler.dynamic().toString());
    }
}
