package io.github.alexlab.kernel.magic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** %time and %timeit say durations in the largest unit that fits, not "600 s" for ten minutes. */
class DurationsTest {
    @Test
    void nanosecondsToTheLargestSensibleUnit() {
        assertEquals("850 ns", Durations.format(850));
        assertEquals("1.5 ms", Durations.format(1.5e6));
        assertEquals("10 min", Durations.format(600e9));
        assertEquals("2 h", Durations.format(7200e9));
    }
}
