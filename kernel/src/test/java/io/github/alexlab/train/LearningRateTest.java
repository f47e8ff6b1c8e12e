package io.github.alexlab.train;

import org.junit.jupiter.api.Test;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LearningRateTest {
    @Test
    void constant() {
        var s = LearningRate.constant(0.01);
        assertEquals(0.01, s.rate(0), 0);
        assertEquals(0.01, s.rate(57.3), 0);
    }

    @Test
    void stepChangesExactlyAtBoundaries() {
        var s = LearningRate.step(0.1, 0.1, 30);
        assertEquals(0.1, s.rate(0), 1e-15);
        assertEquals(0.1, s.rate(29.99), 1e-15);
        assertEquals(0.01, s.rate(30), 1e-15);
        assertEquals(0.01, s.rate(59.5), 1e-15);
        assertEquals(0.001, s.rate(60), 1e-15);
        assertEquals(0.0001, s.rate(90), 1e-15);
        // step 99 of 100 in epoch 29 is still before the boundary
        assertEquals(0.1, s.rate(29, 99, 100), 1e-15);
        assertEquals(0.01, s.rate(30, 0, 100), 1e-15);
    }

    @Test
    void cosineAtStartHalfAndEnd() {
        var s = LearningRate.cosine(0.1, 90, 0.001);
        assertEquals(0.1, s.rate(0), 1e-15);
        assertEquals(0.0505, s.rate(45), 1e-15);   // halfway between lr and minLr
        assertEquals(0.001, s.rate(90), 1e-15);
        assertEquals(0.001, s.rate(120), 1e-15);   // stays at minLr after the end
        // a quarter of the way: (1 + cos(pi / 4)) / 2 of the span above minLr
        assertEquals(0.001 + 0.099 * (1 + Math.sqrt(0.5)) / 2, s.rate(22.5), 1e-15);
    }

    @Test
    void warmupRampsLinearlyThenFollowsTheSchedule() {
        var s = LearningRate.warmup(LearningRate.constant(0.4), 5);
        assertEquals(0.4 * 0.01, s.rate(0), 1e-15);                  // near 0, not 0
        assertEquals(0.4 * (0.01 + 0.99 * 0.5), s.rate(2.5), 1e-15); // halfway up the ramp
        double stepUp = s.rate(1) - s.rate(0);
        for (int e = 1; e < 5; e++)
            assertEquals(stepUp, s.rate(e + 1) - s.rate(e), 1e-15, "equal rises each epoch, epoch " + e);
        assertEquals(0.4, s.rate(5), 0);
        assertEquals(0.4, s.rate(7), 0);

        // Goyal et al.: batch 8192 = 32 x 256, from 0.1 to 3.2 over 5 epochs, then / 10 every 30
        var goyal = LearningRate.warmup(LearningRate.step(3.2, 0.1, 30), 5, 1.0 / 32);
        assertEquals(0.1, goyal.rate(0), 1e-15);
        assertEquals(3.2, goyal.rate(5), 1e-15);
        assertEquals(0.32, goyal.rate(30), 1e-15);

        var cosine = LearningRate.cosine(0.1, 10, 0);
        var warmCosine = LearningRate.warmup(cosine, 2);
        assertEquals(cosine.rate(2), warmCosine.rate(2), 0);
        assertEquals(cosine.rate(6.5), warmCosine.rate(6.5), 0);
        assertTrue(warmCosine.rate(1) < cosine.rate(1));
    }

    @Test
    void linearScaling() {
        assertEquals(0.2, LearningRate.linearScaling(0.1, 512), 1e-15);
        assertEquals(0.1, LearningRate.linearScaling(0.1, 256), 1e-15);
        assertEquals(0.05, LearningRate.linearScaling(0.1, 128), 1e-15);
    }

    @Test
    void table() {
        var t = LearningRate.step(0.1, 0.5, 1).toTable(3, 4);
        assertEquals(12, t.rowCount());
        assertEquals(List.of("epoch", "lr"), t.columnNames());
        assertEquals(1.25, t.doubleColumn("epoch").get(5), 1e-15);
        assertEquals(0.05, t.doubleColumn("lr").get(5), 1e-15);
        assertEquals(0.025, t.doubleColumn("lr").get(11), 1e-15);
    }

    @Test
    void badArgumentsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(0));
        assertEquals("lr must be more than 0, got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRate.step(0.1, 10, 30));
        assertTrue(e.getMessage().endsWith("got 10.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRate.cosine(0.1, 0, 0));
        assertTrue(e.getMessage().endsWith("got 0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRate.cosine(0.1, 90, 0.5));
        assertTrue(e.getMessage().endsWith("got 0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRate.warmup(LearningRate.constant(0.1), -1));
        assertTrue(e.getMessage().endsWith("got -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRate.linearScaling(0.1, 0));
        assertEquals("batch size must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(0.1).rate(-1));
        assertTrue(e.getMessage().endsWith("got -1.0"), e.getMessage());
    }
}
