package io.github.alexlab.bench;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.MaxPool2d;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSweepTest {
    static Sequential tiny() {
        return new Sequential("tiny", new Conv2d("conv", 1, 4, 3, 1, 1, 1), new ReLU("relu"), new MaxPool2d("pool", 2, 2),
                new Flatten("flat"), new Linear("fc", 4 * 4 * 4, 3));
    }

    @Test
    void activationMemoryIsCountedFromTheShapes() {
        var memory = ActivationMemory.of(tiny(), 1, 8, 8);
        // input 64 + conv 256 + relu 256 + pool 64 + flatten 64 + fc 3 floats per image
        assertEquals(64 + 256 + 256 + 64 + 64 + 3, memory.floatsPerImage());
        // conv 4*9 + 4, fc 64*3 + 3
        assertEquals(40 + 195, memory.parameters());
        assertEquals(2L * 4 * 707 * 10, memory.activationBytes(10));
        assertEquals(3L * 4 * 235, memory.parameterBytes());
        assertEquals(memory.activationBytes(10) + memory.parameterBytes(), memory.trainingBytes(10));
        // the largest batch that fits: (bytes - parameters) / per-image bytes, rounded down
        long bytes = memory.parameterBytes() + 2L * 4 * 707 * 37 + 100;
        assertEquals(37, memory.largestBatch(bytes));
        assertEquals(0, memory.largestBatch(memory.parameterBytes() - 1));
        assertEquals(3, memory.table(1, 8, 64).rowCount());
        assertThrows(IllegalArgumentException.class, () -> memory.activationBytes(0));
    }

    @Test
    void theSweepMeasuresUntilTheCapThenSaysWhatItSkipped() {
        List<String> log = new ArrayList<>();
        // a cap no real step can meet after the first size: every larger size is skipped, with the reason
        var sweep = BatchSweep.run(tiny(), new long[]{1, 8, 8}, 3, new int[]{1, 2, 4, 8}, 1e-9, log::add);
        assertTrue(sweep.at(1).measured());
        for (int b : new int[]{2, 4, 8}) {
            assertFalse(sweep.at(b).measured());
            assertTrue(sweep.at(b).skipped().contains("over the"), sweep.at(b).skipped());
        }
        assertEquals(2, log.size(), "one line for the measured size, one for the first skipped one");
        assertEquals(4, sweep.table().rowCount());
        assertEquals(1, sweep.fastest().batchSize());
    }

    @Test
    void theSweepTrainsAtEverySizeUnderAGenerousCap() {
        var sweep = BatchSweep.run(tiny(), new long[]{1, 8, 8}, 3, new int[]{1, 16, 64}, 60, s -> { });
        for (var p : sweep.points()) {
            assertTrue(p.measured(), "batch " + p.batchSize());
            assertEquals(p.batchSize() / p.step().median(), p.imagesPerSecond(), 1e-9);
        }
        assertTrue(BatchSweep.throughputChart(sweep).png().length > 1000);
    }

    @Test
    void badSweepsAreRefusedInWords() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BatchSweep.run(tiny(), new long[]{1, 8, 8}, 3, new int[]{4, 2}, 1, s -> { }));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchSweep.run(tiny(), new long[]{8, 8}, 3, new int[]{1}, 1, s -> { }));
        // an image shape the model cannot take is named by the layer that refuses it
        var shape = assertThrows(RuntimeException.class, () -> BatchSweep.run(tiny(), new long[]{3, 8, 8}, 3, new int[]{1}, 1, s -> { }));
        assertTrue(shape.getMessage().contains("conv"), shape.getMessage());
    }

    @Test
    void theTileSweepTimesEverySizeAndComparesMultiples() {
        var sweep = TileQuantization.sweep(Device.cpu(), Gemm.Precision.FP32, 14, 18, 32, 32);
        assertEquals(5, sweep.size());
        assertEquals(2.0 * 16 * 32 * 32, sweep.get(2).flops());
        double advantage = TileQuantization.multipleAdvantage(sweep, 8);
        assertTrue(advantage > 0 && Double.isFinite(advantage));
        assertThrows(IllegalArgumentException.class, () -> TileQuantization.multipleAdvantage(sweep.subList(0, 1), 8));
        assertThrows(IllegalArgumentException.class, () -> TileQuantization.sweep(Device.cpu(), Gemm.Precision.FP16, 1, 2, 8, 8));
        assertTrue(TileQuantization.chart("t", sweep).png().length > 1000);
    }

    @Test
    void measuringGpuMemoryNeedsTheModelOnTheGpu() {
        var e = assertThrows(IllegalStateException.class, () -> ActivationMemory.measureOnGpu(tiny(), new long[]{1, 8, 8}, 4));
        assertTrue(e.getMessage().contains("model.to(Device.gpu(0))"), e.getMessage());
    }
}
