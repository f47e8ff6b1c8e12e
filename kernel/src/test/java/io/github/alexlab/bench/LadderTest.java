package io.github.alexlab.bench;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.viz.Units;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LadderTest {
    static final Ceilings KNOWN = new Ceilings(Device.cpu(), 100, "given", 20, "given");

    @Test
    void aSmallClimbMeasuresEveryCpuRungAndChecksItsAnswer() {
        List<String> log = new ArrayList<>();
        Ladder ladder = Ladder.climb(96, KNOWN, log::add);
        assertEquals(7, log.size(), "one progress line per CPU rung");
        assertTrue(ladder.rungs().size() >= 7);
        for (int r = 1; r <= 7; r++)
            assertTrue(ladder.rung(r).relativeError() < 1e-5, "rung " + r + ": " + ladder.rung(r).relativeError());
        var table = ladder.table();
        assertEquals(ladder.rungs().size(), table.rowCount());
        assertEquals(1.0, table.doubleColumn("x over naive").get(0));
        // rung 4 builds on rung 2: its "x over that rung" is their ratio of medians
        double expected = ladder.rung(2).measurement().median() / ladder.rung(4).measurement().median();
        assertEquals(Units.round3(expected), table.doubleColumn("x over that rung").get(3));
        // % of peak against the given 100 GFLOP/s
        assertEquals(Units.round3(ladder.rung(7).measurement().gflops()), table.doubleColumn("% of peak").get(6));
        assertTrue(ladder.bestHandWritten().number() <= 6);
        assertTrue(ladder.chart().png().length > 1000);
        if (!Cuda.available())
            assertTrue(ladder.gpuNote().startsWith("GPU rungs need a GPU: "), ladder.gpuNote());
    }

    @Test
    void sizesOutsideTheLadderAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Ladder.climb(8, KNOWN, s -> { }));
        assertTrue(e.getMessage().contains("16 <= n <= 8192"), e.getMessage());
    }

    @Test
    void layerTimesCoverEveryLayerAndAddUp() {
        var model = new Sequential("tiny", new Conv2d("conv", 1, 4, 3, 1, 0, 1), new ReLU("relu"), new Flatten("flat"),
                new Linear("fc", 4 * 6 * 6, 3));
        var times = LayerTimes.measure(model, Nd4j.rand(DataType.FLOAT, 5, 1, 8, 8));
        assertEquals(List.of("conv", "relu", "flat", "fc"), times.rows().stream().map(LayerTimes.Row::layer).toList());
        assertEquals(0.0, times.transferSeconds(), "no copies on the CPU");
        double sum = times.rows().stream().mapToDouble(LayerTimes.Row::total).sum();
        assertEquals(sum, times.layersSeconds(), 1e-12);
        assertEquals(5 / sum, times.imagesPerSecond(), 1e-9);
        var table = times.table();
        assertEquals(100.0, table.doubleColumn("share %").sum(), 0.5);
        var both = LayerTimes.compare(times, times);
        assertEquals("whole step", both.stringColumn("layer").get(both.rowCount() - 1));
        assertEquals(1.0, both.doubleColumn("speed-up").get(both.rowCount() - 1));
    }

    @Test
    void aBatchOfTheWrongShapeIsNamedBeforeAnythingIsTimed() {
        var model = new Sequential("tiny", new Conv2d("conv", 1, 4, 3, 1, 0, 1));
        var e = assertThrows(RuntimeException.class, () -> LayerTimes.measure(model, Nd4j.rand(DataType.FLOAT, 5, 3, 8, 8)));
        assertTrue(e.getMessage().contains("conv"), e.getMessage());
    }

    @Test
    void publishedTablesSayWhoseNumbersTheyAre() {
        for (var t : List.of(ReferenceData.leiserson2020(), ReferenceData.han2015Energy(), ReferenceData.gtx580()))
            assertTrue(t.name().startsWith("Their numbers: "), t.name());
        var l = ReferenceData.leiserson2020();
        assertEquals(7, l.rowCount());
        // the published running times and absolute speed-ups agree with each other (to the rounding
        // of both: speed-ups to whole numbers, times to 0.01 s)
        double python = l.doubleColumn("running time s").get(0);
        for (int i = 1; i < 7; i++)
            assertEquals(python / l.doubleColumn("running time s").get(i), l.doubleColumn("absolute speed-up").get(i),
                    0.5 + l.doubleColumn("absolute speed-up").get(i) * 0.005 / l.doubleColumn("running time s").get(i), "version " + (i + 1));
    }
}
