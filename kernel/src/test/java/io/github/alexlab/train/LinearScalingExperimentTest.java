package io.github.alexlab.train;

import io.github.alexlab.data.Dataset;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Init;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearScalingExperimentTest {
    /** Two classes told apart by the mean brightness of a 4x4 image. */
    static Dataset twoClasses(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.rand(DataType.FLOAT, n, 1, 4, 4).muli(0.5);
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            if (i % 2 == 1)
                images.get(NDArrayIndex.point(i)).addi(0.5);
        }
        return new Dataset("two classes", images, Nd4j.createFromArray(labels));
    }

    static final LongFunction<Sequential> MODEL = seed -> new Sequential("linear",
            new Flatten("flatten"), new Linear("fc", 16, 2).initialize(Init.xavier(), Init.constant(0), seed));

    @Test
    void everyRuleRunsAtEveryLargerBatchFromTheSameStart() {
        List<String> log = new ArrayList<>();
        var e = LinearScalingExperiment.run(MODEL, twoClasses(256, 1), twoClasses(64, 2), 2, 8, 0.05, new int[]{32}, 0.5, 7, log::add);
        assertEquals(4, e.runs().size());
        assertEquals(4, log.size());
        var table = e.table();
        assertEquals(List.of(64, 16, 16, 16), table.intColumn("steps").asList(), "2 epochs of 256 images at batch 8 and 32");
        assertEquals(0.05, e.run(32, LinearScalingExperiment.Rule.SAME_RATE).learningRate());
        assertEquals(0.2, e.run(32, LinearScalingExperiment.Rule.SCALED).learningRate(), 1e-12);
        assertEquals(0.2, e.run(32, LinearScalingExperiment.Rule.SCALED_WITH_WARMUP).learningRate(), 1e-12);
        assertTrue(e.budget().contains("256 training images, 2 epochs"), e.budget());
        // an easy problem: the base run learns it
        assertTrue(e.base().testAccuracy() > 0.9, "base accuracy " + e.base().testAccuracy());
        assertTrue(e.chart().png().length > 1000);
    }

    @Test
    void impossibleSettingsAreRefusedInWords() {
        var train = twoClasses(64, 1);
        assertThrows(IllegalArgumentException.class,
                () -> LinearScalingExperiment.run(MODEL, train, train, 2, 8, 0.05, new int[]{4}, 0.5, 7, s -> { }));
        var warm = assertThrows(IllegalArgumentException.class,
                () -> LinearScalingExperiment.run(MODEL, train, train, 2, 8, 0.05, new int[]{16}, 2, 7, s -> { }));
        assertTrue(warm.getMessage().contains("0 < warm-up < epochs"), warm.getMessage());
    }

    @Test
    void batchesThatFitAreKeptAsAsked() {
        var batches = LinearScalingExperiment.fit(64, new int[]{2048, 512}, 10_000);
        assertArrayEquals(new int[]{512, 2048}, batches.larger());
        assertEquals("", batches.note());
        assertTrue(batches.skipped().isEmpty());
        assertEquals("larger batches [512, 2048]", batches.toString());
    }

    @Test
    void tooLargeBatchesGiveWayToTheLargestThatFitAndSaySo() {
        // The notebook's experiment on the bundled subset: 2,048 is more than the 2,000 images
        var subset = LinearScalingExperiment.fit(64, new int[]{512, 2048}, 2000);
        assertArrayEquals(new int[]{512, 1024}, subset.larger(), "512 kept, 1,024 instead of 2,048");
        assertEquals("The data has 2,000 training images, fewer than a batch of 2,048: "
                + "batches 512 and 1,024 instead of 512 and 2,048.", subset.note());
        // neither fits: the two largest multiples base x 2^j that do
        assertArrayEquals(new int[]{128, 256}, LinearScalingExperiment.fit(64, new int[]{512, 2048}, 300).larger());
        // one asked for, one run
        var one = LinearScalingExperiment.fit(8, new int[]{128}, 64);
        assertArrayEquals(new int[]{64}, one.larger());
        assertEquals("The data has 64 training images, fewer than a batch of 128: batch 64 instead of 128.", one.note());
        // the smallest data that still allows two larger batches: 4 x the base
        assertArrayEquals(new int[]{128, 256}, LinearScalingExperiment.fit(64, new int[]{512, 2048}, 256).larger());
    }

    @Test
    void tooLittleDataSkipsTheExperimentWithItsReason() {
        var batches = LinearScalingExperiment.fit(64, new int[]{512, 2048}, 255);
        assertEquals(0, batches.larger().length);
        assertEquals(Optional.of("The linear scaling experiment was skipped: comparing batch 64 with two larger "
                + "batches needs at least 256 training images, and the data has 255."), batches.skipped());

        List<String> log = new ArrayList<>();
        var train = twoClasses(24, 1);
        var e = LinearScalingExperiment.run(MODEL, train, train, 2, 8, 0.05, new int[]{32, 64}, 0.5, 7, log::add);
        assertFalse(e.ran());
        assertEquals(List.of(e.skipped().orElseThrow()), log, "the reason is said, and nothing trains");
        assertTrue(e.runs().isEmpty());
        assertTrue(e.toString().contains("needs at least 32 training images, and the data has 24"), e.toString());
        assertTrue(e.toHtml().startsWith("<p>The linear scaling experiment was skipped"), e.toHtml());
        var noChart = assertThrows(IllegalStateException.class, e::chart);
        assertTrue(noChart.getMessage().contains("skipped"), noChart.getMessage());
    }

    @Test
    void aScaledDownExperimentTrainsAtTheBatchesThatFit() {
        List<String> log = new ArrayList<>();
        var e = LinearScalingExperiment.run(MODEL, twoClasses(64, 1), twoClasses(32, 2), 2, 8, 0.05,
                new int[]{32, 128}, 0.5, 7, log::add);
        assertArrayEquals(new int[]{32, 64}, e.largerBatches());
        assertEquals("The data has 64 training images, fewer than a batch of 128: "
                + "batches 32 and 64 instead of 32 and 128.", log.get(0));
        assertEquals(log.get(0), e.note());
        assertEquals(7, e.runs().size(), "the base and three rules at each of two batches");
        assertEquals(0.4, e.run(64, LinearScalingExperiment.Rule.SCALED).learningRate(), 1e-12);
    }
}
