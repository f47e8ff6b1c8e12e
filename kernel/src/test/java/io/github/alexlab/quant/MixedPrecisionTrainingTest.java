package io.github.alexlab.quant;

import io.github.alexlab.data.Batch;
import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Init;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.quant.MixedPrecisionTraining.Format;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixedPrecisionTrainingTest {
    private static FashionMnist data;

    @BeforeAll
    static void loadTheBundledSubset() throws IOException {
        data = FashionMnist.load();
    }

    private static MixedPrecisionTraining training(Sequential model, Format format, LossScaler scaler) {
        return new MixedPrecisionTraining(format + ", " + scaler, model, new SGD(model.parameters(), 0.05).momentum(0.9), format, scaler);
    }

    private static Batch firstBatch(int size) {
        return new DataLoader(data.train(), size).shuffle(7).iterator().next();
    }

    private static float[] floats(INDArray x) {
        return x.dup('c').data().asFloat();
    }

    /** A small network that trains in a second: 784 -> 32 -> 10. */
    private static Sequential mlp() {
        return new Sequential("MLP 784-32-10", new Flatten("flatten"),
                new Linear("fc1", 784, 32).initialize(Init.he(), Init.constant(0), 11), new ReLU("relu"),
                new Linear("fc2", 32, 10).initialize(Init.xavier(), Init.constant(0), 12));
    }

    @Test
    void fp32IsThePlainTrainerStepForStep() {
        Sequential viaTrainer = LeNet5.modern(), viaEmulation = LeNet5.modern(); // the same seed
        new Trainer(viaTrainer, new SGD(viaTrainer.parameters(), 0.05).momentum(0.9)).quiet()
                .fit(new DataLoader(data.train(), 64).shuffle(3).limit(256), null, 1);
        var run = training(viaEmulation, Format.FP32, LossScaler.none())
                .fit(new DataLoader(data.train(), 64).shuffle(3).limit(256), null, 1);
        assertEquals(4, run.stepLosses().length);
        assertEquals(0, run.underflowShare(), "FP32 rounds nothing");
        List<Parameter> a = viaTrainer.parameters(), b = viaEmulation.parameters();
        for (int i = 0; i < a.size(); i++)
            assertArrayEquals(floats(a.get(i).value()), floats(b.get(i).value()), 0f,
                    "parameter " + i + " (" + a.get(i) + ") differs after the same 4 steps");
    }

    @Test
    void fp16FlushesSmallGradientsThatLossScalingKeepsAndBf16DoesNot() {
        Batch batch = firstBatch(128);
        var plain = training(LeNet5.modern(), Format.FP16, LossScaler.none()).step(batch);
        var scaled = training(LeNet5.modern(), Format.FP16, LossScaler.fixed(1024)).step(batch);
        var bf16 = training(LeNet5.modern(), Format.BF16, LossScaler.none()).step(batch);
        assertTrue(plain.flushedGradients() > 0, "FP16 without scaling flushed no gradient to 0: " + plain);
        assertTrue(scaled.flushedGradients() < plain.flushedGradients() / 2,
                "S = 1024 should keep most of what FP16 flushed: " + scaled + " vs " + plain);
        assertEquals(0, bf16.flushedGradients(), "BF16 has FP32's range: nothing this small underflows");
        assertTrue(plain.nonzeroGradients() > 100_000, "the count covers the whole backward pass: " + plain);
        assertTrue(plain.applied() && scaled.applied() && bf16.applied());
    }

    @Test
    void theMasterWeightsStayFp32AndTheModelComputesInFp16() {
        Sequential model = LeNet5.modern();
        var t = training(model, Format.FP16, LossScaler.fixed(1024));
        t.step(firstBatch(64));
        INDArray w = model.parameters().get(0).value();
        float[] master = floats(w);
        long notHalves = 0;
        for (float v : floats(w))
            if (Fp16.round(v) != v)
                notHalves++;
        assertTrue(notHalves > w.length() / 2, "after an update the master weights hold FP32 values: " + notHalves + " of " + w.length());
        // the output is the model's with weights and activations rounded: every logit is an FP16 number
        for (float v : floats(t.forward(firstBatch(8).images())))
            assertEquals(Fp16.round(v), v, "a logit that FP16 cannot hold");
        assertArrayEquals(master, floats(model.parameters().get(0).value()), "forward puts the master weights back");
    }

    @Test
    void anOverflowedStepIsSkippedAndHalvesTheDynamicScale() {
        Sequential model = LeNet5.modern();
        List<float[]> before = model.parameters().stream().map(p -> floats(p.value())).toList();
        var scaler = LossScaler.dynamic(0x1p40, 2000); // 2^40 x any gradient is far past 65504
        var step = training(model, Format.FP16, scaler).step(firstBatch(64));
        assertTrue(step.overflow() && !step.applied(), step.toString());
        assertEquals(0x1p39, scaler.scale());
        assertEquals(1, scaler.skippedSteps());
        for (int i = 0; i < before.size(); i++)
            assertArrayEquals(before.get(i), floats(model.parameters().get(i).value()), "a skipped step moved parameter " + i);
    }

    @Test
    void fp16WithDynamicScalingLearnsAsWellAsFp32() {
        DataLoader test = new DataLoader(data.test().limit(500), 500);
        var fp32 = training(mlp(), Format.FP32, LossScaler.none()).fit(new DataLoader(data.train(), 64).shuffle(5).limit(1024), test, 2);
        var scaler = LossScaler.dynamic(); // 2^15, as a real run starts
        var fp16 = training(mlp(), Format.FP16, scaler).fit(new DataLoader(data.train(), 64).shuffle(5).limit(1024), test, 2);
        assertTrue(fp32.last().trainLoss() < 0.8 * fp32.epochs().get(0).trainLoss(), "FP32 did not learn: " + fp32.epochs());
        assertEquals(fp32.last().trainLoss(), fp16.last().trainLoss(), 0.05, fp32 + " / " + fp16);
        assertEquals(fp32.last().testAccuracy(), fp16.last().testAccuracy(), 0.04, fp32 + " / " + fp16);
        assertEquals(2 * 16, scaler.steps(), "the scaler saw every step");
        assertTrue(fp16.toString().contains("emulated on the CPU"), fp16.toString());
    }

    @Test
    void badInputIsNamed() {
        Sequential model = LeNet5.modern(), other = LeNet5.modern();
        var wrong = assertThrows(IllegalArgumentException.class, () -> new MixedPrecisionTraining("x", model,
                new SGD(other.parameters(), 0.1), Format.FP16, LossScaler.none()));
        assertTrue(wrong.getMessage().contains("does not train"), wrong.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> new MixedPrecisionTraining("x", model,
                new SGD(model.parameters(), 0.1), null, LossScaler.none()));
        assertTrue(missing.getMessage().endsWith("missing: format"), missing.getMessage());
        var t = training(model, Format.BF16, LossScaler.none());
        assertThrows(UnsupportedOperationException.class, () -> t.asLayer().backward((INDArray) null));
        assertThrows(IllegalArgumentException.class, () -> t.fit(new DataLoader(data.train(), 64), null, 0));
        assertTrue(t.toString().contains("emulated on the CPU"), t.toString());
    }

    @Test
    void formatsKnowTheirLimits() {
        assertEquals(65504f, Format.FP16.max);
        assertEquals(0x1p-24f, Format.FP16.minSubnormal);
        assertEquals(Float.MIN_NORMAL, Format.BF16.minNormal, "BF16 has FP32's exponent");
        assertEquals(0x1p-23f, Format.FP32.epsilon);
        assertEquals(2, Format.BF16.bytes());
        assertEquals(0.1f, Format.FP32.round(0.1f));
        assertEquals(Fp16.round(0.1f), Format.FP16.round(0.1f));
    }
}
