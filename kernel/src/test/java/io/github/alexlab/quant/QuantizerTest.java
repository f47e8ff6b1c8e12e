package io.github.alexlab.quant;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizerTest {
    @Test
    void symmetricInt8KnownCodes() {
        Quantizer q = Quantizer.symmetric(8, 1.27);
        assertEquals(0.01, q.scale(), 1e-15);
        assertEquals(-127, q.qmin());
        assertEquals(127, q.qmax());
        assertEquals(0, q.quantize(0));
        assertEquals(100, q.quantize(1.0));
        assertEquals(-50, q.quantize(-0.5));
        assertEquals(2, q.quantize(0.025));      // 2.5 steps: a tie, to even
        assertEquals(4, q.quantize(0.035));      // 3.5 steps: to even, 4
        assertEquals(127, q.quantize(5.0));      // clipped
        assertEquals(-127, q.quantize(-5.0));
    }

    @Test
    void asymmetricUsesEveryLevelAndKeepsZeroExact() {
        Quantizer q = Quantizer.asymmetric(8, 0, 2.55);
        assertEquals(0.01, q.scale(), 1e-15);
        assertEquals(0, q.zeroPoint());
        assertEquals(255, q.quantize(2.55));
        Quantizer shifted = Quantizer.asymmetric(4, -1, 2);
        assertEquals(0.2, shifted.scale(), 1e-15);
        assertEquals(5, shifted.zeroPoint());
        assertEquals(0.0, shifted.dequantize(shifted.quantize(0)), "0 is exact");
        Quantizer positive = Quantizer.asymmetric(8, 2, 3); // widened to [0, 3]
        assertEquals(0.0, positive.low());
    }

    @Test
    void errorIsAtMostHalfAStepInsideTheRangeAtEveryWidth() {
        Random random = new Random(8);
        for (int bits = 2; bits <= 8; bits++)
            for (Quantizer q : new Quantizer[]{Quantizer.symmetric(bits, 0.7), Quantizer.asymmetric(bits, -0.3, 1.1)}) {
                for (int i = 0; i < 10_000; i++) {
                    double x = q.low() + random.nextDouble() * (q.high() - q.low());
                    double error = Math.abs(q.dequantize(q.quantize(x)) - x);
                    assertTrue(error <= q.scale() / 2 + 1e-12, q + ": x = " + x + ", error " + error);
                }
                // outside the range: clipped to its end
                assertEquals(q.high(), q.dequantize(q.quantize(q.high() + 10)), 1e-12);
                assertEquals(q.low(), q.dequantize(q.quantize(q.low() - 10)), 1e-12);
            }
    }

    @Test
    void perChannelScalesFollowEachChannelAndLoseLessThanOneScale() {
        // two output channels of very different size: one scale for both wastes the small one's levels
        INDArray w = Nd4j.createFromArray(new float[][]{{0.9f, -1.0f, 0.3f}, {0.011f, -0.007f, 0.002f}});
        Quantizer[] channels = Quantizer.perChannel(8, w);
        assertEquals(1.0 / 127, channels[0].scale(), 1e-12);
        assertEquals(0.011 / 127, channels[1].scale(), 1e-12);
        INDArray perChannel = Quantizer.fakeQuantizePerChannel(w, channels);
        INDArray perTensor = Quantizer.symmetric(8, 1.0).fakeQuantize(w);
        double errPerChannel = perChannel.sub(w).getRow(1).norm2Number().doubleValue();
        double errPerTensor = perTensor.sub(w).getRow(1).norm2Number().doubleValue();
        assertTrue(errPerChannel * 10 < errPerTensor, "per channel " + errPerChannel + " vs per tensor " + errPerTensor);
        assertEquals(DataType.FLOAT, perChannel.dataType());
    }

    @Test
    void impossibleQuantizersAreRefusedInWords() {
        var bits = assertThrows(IllegalArgumentException.class, () -> Quantizer.symmetric(9, 1));
        assertTrue(bits.getMessage().contains("2..8"), bits.getMessage());
        var zero = assertThrows(IllegalArgumentException.class, () -> Quantizer.symmetric(8, 0));
        assertTrue(zero.getMessage().contains("tensor of zeros"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quantizer.asymmetric(8, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> Quantizer.asymmetric(8, Double.NEGATIVE_INFINITY, 1));
        assertThrows(IllegalArgumentException.class, () -> Quantizer.fakeQuantizePerChannel(Nd4j.ones(3, 2), new Quantizer[2]));
    }
}
