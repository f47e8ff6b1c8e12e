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

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                images.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).addi(0.5);
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
        var big = assertThrows(IllegalArgumentException.class,
                () -> LinearScalingExperiment.run(MODEL, train, train, 2, 8, 0.05, new int[]{128}, 0.5, 7, s -> { }));
        assertTrue(big.getMessage().contains("<= the training images (64)"), big.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LinearScalingExperiment.run(MODEL, train, train, 2, 8, 0.05, new int[]{4}, 0.5, 7, s -> { }));
        var warm = assertThrows(IllegalArgumentException.class,
                () -> LinearScalingExperiment.run(MODEL, train, train, 2, 8, 0.05, new int[]{16}, 2, 7, s -> { }));
        assertTrue(warm.getMessage().contains("0 < warm-up < epochs"), warm.getMessage());
    }
}
