package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class CrossEntropyLossTest {
    // Both rows are (0, ln 2, ln 3): softmax = (1/6, 2/6, 3/6).
    private static final double[][] LOGITS = {{0, Math.log(2), Math.log(3)}, {0, Math.log(2), Math.log(3)}};

    @Test
    void knownAnswer() {
        var loss = new CrossEntropyLoss();
        // Labels 2 and 0: losses -ln(3/6) = ln 2 and -ln(1/6) = ln 6; the mean is ln(12)/2 = 1.2424...
        double value = loss.forward(Nd4j.createFromArray(LOGITS), Nd4j.createFromArray(2, 0));
        assertEquals(Math.log(12) / 2, value, 1e-12);
        assertEquals(1.2424533248940002, value, 1e-12);
        // (softmax - onehot) / N with N = 2
        assertArrayEquals(new double[]{1.0 / 12, 2.0 / 12, -3.0 / 12, -5.0 / 12, 2.0 / 12, 3.0 / 12},
                loss.backward().data().asDouble(), 1e-12);
    }

    @Test
    void everyLabelFormGivesTheSameLoss() {
        var logits = Nd4j.createFromArray(LOGITS);
        double expected = Math.log(12) / 2;
        var loss = new CrossEntropyLoss();
        assertEquals(expected, loss.forward(logits, Nd4j.createFromArray(2L, 0L)), 1e-12);
        assertEquals(expected, loss.forward(logits, Nd4j.createFromArray(2f, 0f).reshape(2, 1)), 1e-12);
        assertEquals(expected, loss.forward(logits, Nd4j.createFromArray(new int[][]{{0, 0, 1}, {1, 0, 0}})), 1e-12);
        assertEquals(expected, loss.forward(logits.castTo(DataType.FLOAT), Nd4j.createFromArray(2, 0)), 1e-6);
    }

    @Test
    void hugeLogitsGiveAFiniteLoss() {
        var loss = new CrossEntropyLoss();
        // log(e^1000 + e^1001) - 1001 = log(1 + e^-1) = 0.31326...
        double value = loss.forward(Nd4j.createFromArray(new float[][]{{1000, 1001}}), Nd4j.createFromArray(1));
        assertEquals(0.31326168751822286, value, 1e-6);
        assertTrue(Double.isFinite(loss.backward().sumNumber().doubleValue()));
        // The wrong class: log(1 + e) = 1.31326...
        assertEquals(1.3132616875182228, loss.forward(Nd4j.createFromArray(new float[][]{{1000, 1001}}),
                Nd4j.createFromArray(0)), 1e-6);
    }

    @Test
    void gradientCheckByFiniteDifferences() {
        Nd4j.getRandom().setSeed(5);
        INDArray logits = Nd4j.randn(DataType.DOUBLE, 4, 5).muli(3);
        INDArray labels = Nd4j.createFromArray(3, 0, 4, 4);
        var loss = new CrossEntropyLoss();
        loss.forward(logits, labels);
        INDArray analytic = loss.backward();
        double h = 1e-6;
        for (long i = 0; i < logits.length(); i++) {
            long r = i / 5, c = i % 5;
            double original = logits.getDouble(r, c);
            logits.putScalar(r, c, original + h);
            double up = loss.forward(logits, labels);
            logits.putScalar(r, c, original - h);
            double down = loss.forward(logits, labels);
            logits.putScalar(r, c, original);
            assertEquals((up - down) / (2 * h), analytic.getDouble(r, c), 1e-8, "logit " + r + ", " + c);
        }
    }

    @Test
    void clearErrors() {
        var loss = new CrossEntropyLoss();
        var logits = Nd4j.zeros(DataType.FLOAT, 4, 10);
        var range = assertThrows(IllegalArgumentException.class, () -> loss.forward(logits, Nd4j.createFromArray(1, 2, 10, 3)));
        assertTrue(range.getMessage().contains("10.0") && range.getMessage().contains("0..9"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loss.forward(logits, Nd4j.createFromArray(1, -1, 0, 3)));
        assertThrows(IllegalArgumentException.class, () -> loss.forward(logits, Nd4j.createFromArray(1, 2.5, 0, 3)));
        var batch = assertThrows(IllegalArgumentException.class, () -> loss.forward(logits, Nd4j.createFromArray(1, 2, 3)));
        assertTrue(batch.getMessage().contains("[4, 10]") && batch.getMessage().contains("[3]"), batch.getMessage());
        var kind = assertThrows(IllegalArgumentException.class, () -> loss.forward(logits, Nd4j.zeros(4, 7)));
        assertTrue(kind.getMessage().contains("[4, 7]"), kind.getMessage());
        assertThrows(IllegalStateException.class, () -> new CrossEntropyLoss().backward());
    }

    @Test
    void matchesNaiveCrossEntropy() {
        Nd4j.getRandom().setSeed(9);
        int[] labels = {3, 0, 9, 9, 5, 1};
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray z = Nd4j.randn(type, 6, 10).muli(4);
            CrossEntropyLoss loss = new CrossEntropyLoss();
            double fast = loss.forward(z, Nd4j.createFromArray(labels));
            assertEquals(NaiveSoftmax.crossEntropy(z, labels), fast, 1e-5 * Math.abs(fast), type + ", loss");
            Conv2dTest.assertClose(NaiveSoftmax.crossEntropyGradient(z, labels), loss.backward(), type + ", dLoss/dz");
        }
        // A known answer: two equal logits, label 0: loss log 2, gradient (1/2 - 1, 1/2).
        INDArray even = Nd4j.createFromArray(new double[][]{{1, 1}});
        assertEquals(Math.log(2), NaiveSoftmax.crossEntropy(even, new int[]{0}), 1e-15);
        assertArrayEquals(new double[]{-0.5, 0.5}, NaiveSoftmax.crossEntropyGradient(even, new int[]{0}).data().asDouble(), 1e-15);
    }
}
