package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeMemoryTest {
    /** Sleeps until a collection costs at most MOST_TIME_SHARE of the time since the last one. */
    private static void waitUntilCheap() throws InterruptedException {
        Thread.sleep((long) (NativeMemory.lastReleaseNanos() / NativeMemory.MOST_TIME_SHARE / 1e6) + 20);
    }

    @Test
    void collectsWhenCheapNextToTheTimeSinceTheLastCollection() throws InterruptedException {
        waitUntilCheap();
        assertTrue(NativeMemory.releaseBetweenSteps(), "long after the last collection another one is cheap");
        assertTrue(NativeMemory.lastReleaseNanos() > 0);
        assertFalse(NativeMemory.releaseBetweenSteps(),
                "right after a collection of " + NativeMemory.lastReleaseNanos() / 1e6 + " ms another one is not worth it");
        waitUntilCheap();
        assertTrue(NativeMemory.releaseBetweenSteps());
    }

    @Test
    void collectsAfterMuchGrowthEvenWhenNotCheap() throws InterruptedException {
        // Earlier tests' dead arrays go first: a collection notes the process's size before it frees them.
        NativeMemory.releaseUnreachable();
        Thread.sleep(500);
        waitUntilCheap();
        assertTrue(NativeMemory.releaseBetweenSteps());
        long floats = (NativeMemory.MOST_GROWTH_BYTES + (64L << 20)) / Float.BYTES;
        INDArray big = Nd4j.ones(DataType.FLOAT, floats); // ones, not zeros: every page is touched, so resident
        assertTrue(NativeMemory.releaseBetweenSteps(),
                "the process grew by " + (floats * Float.BYTES >> 20) + " MiB since the last collection");
        assertEquals(floats, big.length()); // still reachable: the collection must not free it
    }
}
