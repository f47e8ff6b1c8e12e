package io.github.alexlab.quant;

import io.github.alexlab.data.Batch;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Init;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.MaxPool2d;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizedModelTest {
    /** conv -> ReLU -> max-pool -> flatten -> fc -> ReLU -> fc: every kind of block the integer path meets. */
    private static Sequential smallNetwork(long seed) {
        return new Sequential("small",
                new Conv2d("conv", 2, 4, 3, 1, 1, 1).initialize(Init.he(), Init.gaussian(0.1), seed),
                new ReLU("relu"),
                new MaxPool2d("pool", 2, 2),
                new Flatten("flatten"),
                new Linear("fc1", 4 * 4 * 4, 12).initialize(Init.he(), Init.gaussian(0.1), seed + 1),
                new ReLU("relu2"),
                new Linear("fc2", 12, 5).initialize(Init.xavier(), Init.gaussian(0.1), seed + 2));
    }

    private static INDArray images(long seed, int n) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, n, 2, 8, 8);
    }

    private static Calibration calibrate(Sequential model, INDArray x) {
        return Calibration.of(model, List.of(new Batch(x, Nd4j.zeros(DataType.FLOAT, x.size(0)))), (int) x.size(0));
    }

    @Test
    void integerInferenceEqualsFakeQuantizationExactlyInDouble() {
        // With the float path in double precision there is nothing left to round: every int8 code that
        // reaches a layer and every score must come out the same.
        Sequential model = smallNetwork(5);
        INDArray x = images(1, 16);
        Calibration calibration = calibrate(model, x);
        model.parametersTo(DataType.DOUBLE);
        INDArray xd = x.castTo(DataType.DOUBLE);
        for (Calibrator c : Calibrator.all()) {
            QuantizedModel q = QuantizedModel.of(model, QuantizationRecipe.int8(true, c), calibration);
            IntegerInference integer = q.integer();
            INDArray scores = integer.forward(xd);
            for (String layer : List.of("conv", "fc1", "fc2"))
                assertEquals(q.codesAt(xd, layer), integer.inputCodes(layer), c.name() + ": codes into " + layer);
            INDArray fake = q.forward(xd);
            assertEquals(0, scores.sub(fake).amaxNumber().doubleValue(), 1e-9 * fake.amaxNumber().doubleValue(), c.name() + ": scores");
        }
    }

    @Test
    void integerInferenceIsWithinOneCodeOfFakeQuantizationInFloat() {
        // In FP32 the fake path's sums are rounded, the integer path's are exact: a code may move by one
        // where the exact value sits within a rounding of a half-step, never by more.
        Sequential model = smallNetwork(6);
        INDArray x = images(2, 64);
        QuantizedModel q = QuantizedModel.of(model, QuantizationRecipe.int8(true, Calibrator.percentile(99.9)), calibrate(model, x));
        IntegerInference integer = q.integer();
        integer.forward(x);
        long total = 0, differing = 0;
        for (String layer : List.of("fc1", "fc2")) {
            INDArray diff = integer.inputCodes(layer).sub(q.codesAt(x, layer));
            assertTrue(diff.amaxNumber().doubleValue() <= 1, layer + ": codes differ by " + diff.amaxNumber());
            total += diff.length();
            differing += diff.neq(0).castTo(DataType.INT).sumNumber().longValue();
        }
        assertTrue(differing <= total / 100, differing + " of " + total + " codes differ");
    }

    @Test
    void integerSumsAreExact() {
        byte[] a = {127, -127, 3, 0, 5, -2}; // [2, 3]
        byte[] b = {127, 1, -127, 2, 4, 4};  // [3, 2]
        int[] c = IntegerKernels.gemm(a, b, 2, 3, 2);
        assertArrayEquals(new int[]{127 * 127 + 127 * 127 + 3 * 4, 127 - 254 + 12, 0 - 635 - 8, 5 * 2 - 8}, c);
        var wrong = assertThrows(IllegalArgumentException.class, () -> IntegerKernels.gemm(a, b, 3, 3, 2));
        assertTrue(wrong.getMessage().contains("3 x 3"), wrong.getMessage());
    }

    @Test
    void im2colCopiesEachPatchAndPadsWithZeros() {
        byte[] x = {1, 2, 3, 4}; // one 2x2 image
        byte[] cols = IntegerKernels.im2col(x, 1, 1, 2, 2, 2, 1, 1); // 2x2 kernel, padding 1: 3x3 outputs
        // row (u=0, v=0) sees x[i-1, j-1]: only the last four outputs see pixels
        assertArrayEquals(new byte[]{0, 0, 0, 0, 1, 2, 0, 3, 4}, Arrays.copyOfRange(cols, 0, 9));
        assertArrayEquals(new byte[]{1, 2, 0, 3, 4, 0, 0, 0, 0}, Arrays.copyOfRange(cols, 27, 36));
    }

    @Test
    void fakeQuantizePassesTheGradientOnlyInsideTheRange() {
        var fq = new FakeQuantize("q", Quantizer.symmetric(4, 1.4)); // steps of 0.2, range [-1.4, 1.4]
        fq.train(true);
        INDArray y = fq.forward(Nd4j.createFromArray(0.33f, -0.5f, 2.0f, -3.0f, 1.4f));
        assertArrayEquals(new float[]{0.4f, -0.4f, 1.4f, -1.4f, 1.4f}, y.toFloatVector(), 1e-6f); // -0.5 is a tie: to even (-2 steps)
        INDArray g = fq.backward(Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f));
        assertArrayEquals(new float[]{1, 2, 0, 0, 5}, g.toFloatVector());
        var fp16 = FakeQuantize.rounding("h", QuantizationRecipe.Format.FP16);
        assertEquals(Fp16.round(0.1f), fp16.forward(Nd4j.createFromArray(0.1f)).getFloat(0));
    }

    @Test
    void quantizedLayerComputesWithQuantizedWeightsAndTrainsTheFp32Ones() {
        Sequential model = smallNetwork(7);
        INDArray x = images(3, 8);
        Linear fc2 = (Linear) model.get("fc2");
        INDArray before = fc2.weight().value().dup();
        QuantizedModel q = QuantizedModel.of(model, QuantizationRecipe.weightsOnly(3, true), null);
        q.train(true);
        INDArray out = q.forward(x);
        q.backwardToParameters(Nd4j.onesLike(out));
        q.train(false);
        assertEquals(before, fc2.weight().value(), "after backward the layer holds its FP32 weights again");
        assertTrue(fc2.weight().gradient().norm2Number().doubleValue() > 0, "and they have a gradient");
        // the 3-bit weights: per output channel, at most 7 distinct values (-3..3 steps)
        QuantizedLayer qfc2 = q.quantizedLayers().get(2);
        int[] codes = qfc2.weightCodes();
        for (int code : codes)
            assertTrue(code >= -3 && code <= 3, "code " + code);
        // forward saw those weights: the same as a plain layer with the dequantized weights
        INDArray fake = fc2.weight().value().dup();
        Quantizer[] wq = qfc2.weightQuantizers();
        for (int i = 0; i < codes.length; i++)
            fake.putScalar(i, wq[i % 5].dequantize(codes[i]));
        INDArray hidden = x;
        for (Layer l : q.network().layers().subList(0, 6)) // conv and fc1 quantized too
            hidden = l.forward(hidden);
        INDArray expected = hidden.mmul(fake).addRowVector(fc2.bias().value());
        assertEquals(0, out.sub(expected).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void sizesCountBitsScalesAndBiases() {
        Sequential lenet = LeNet5.modern();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28);
        Calibration calibration = calibrate(lenet, x);
        // 61,470 weights and 236 biases; 236 output channels; 5 quantized layers
        assertEquals(61_706L * 4, QuantizedModel.of(lenet, QuantizationRecipe.fp32(), null).sizeBytes());
        assertEquals(61_706L * 2, QuantizedModel.of(lenet, QuantizationRecipe.fp16(), null).sizeBytes());
        assertEquals(61_470 + 236 * 4 + 236 * 4 + 5 * 4, QuantizedModel.of(lenet, QuantizationRecipe.int8(true, Calibrator.max()), calibration).sizeBytes());
        assertEquals(61_470 / 2 + 236 * 4 + 5 * 4 + 5 * 4, QuantizedModel.of(lenet, QuantizationRecipe.integer(4, 8, false, Calibrator.max()), calibration).sizeBytes());
    }

    @Test
    void misuseIsRefusedInWords() {
        Sequential model = smallNetwork(8);
        var noCalibration = assertThrows(IllegalArgumentException.class,
                () -> QuantizedModel.of(model, QuantizationRecipe.int8(true, Calibrator.entropy()), null));
        assertTrue(noCalibration.getMessage().contains("Calibration"), noCalibration.getMessage());
        var notInteger = assertThrows(IllegalArgumentException.class, () -> QuantizedModel.of(model, QuantizationRecipe.fp16(), null).integer());
        assertTrue(notInteger.getMessage().contains("FP16"), notInteger.getMessage());
        var calibration = calibrate(model, images(4, 4));
        var unknown = assertThrows(IllegalArgumentException.class, () -> calibration.histogram("conv9"));
        assertTrue(unknown.getMessage().contains("conv, fc1, fc2"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantizationRecipe.integer(9, 8, true, Calibrator.max()));
    }
}
