package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class LocalResponseNormTest {
    @Test
    void knownAnswerByHand() {
        // One pixel, channels a = (1, 2, 3), n = 3, alpha = 1, beta = 1, k = 1:
        //   b0 = 1 / (1 + 1 + 4)     = 1/6     (channel -1 does not exist)
        //   b1 = 2 / (1 + 1 + 4 + 9) = 2/15
        //   b2 = 3 / (1 + 4 + 9)     = 3/14    (channel 3 does not exist)
        var lrn = new LocalResponseNorm("norm", 3, 1, 1, 1);
        INDArray x = Nd4j.createFromArray(1.0, 2.0, 3.0).reshape(1, 3, 1, 1);
        assertArrayEquals(new double[]{1.0 / 6, 2.0 / 15, 3.0 / 14}, lrn.forward(x).data().asDouble(), 1e-12);
    }

    @Test
    void matchesThePaperFormulaComputedWithLoops() {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 7, 3, 2).muli(20); // large enough that alpha = 1e-4 matters
        assertClose(NaiveLocalResponseNorm.forward(x, 5, 1e-4, 0.75, 2), new LocalResponseNorm("norm1").forward(x));
        assertClose(NaiveLocalResponseNorm.forward(x, 3, 0.1, 0.75, 2), new LocalResponseNorm("n", 3, 0.1, 0.75, 2).forward(x));
        // A window wider than the channels: every channel sees all of them.
        assertClose(NaiveLocalResponseNorm.forward(x, 19, 0.01, 0.5, 1), new LocalResponseNorm("n", 19, 0.01, 0.5, 1).forward(x));
    }

    @Test
    void backwardMatchesTheChainRuleComputedWithLoops() {
        Nd4j.getRandom().setSeed(2);
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = Nd4j.randn(type, 2, 7, 3, 2).muli(20), g = Nd4j.randn(type, 2, 7, 3, 2);
            for (double[] p : new double[][]{{5, 1e-4, 0.75, 2}, {3, 0.1, 0.75, 2}, {19, 0.01, 0.5, 1}}) {
                var lrn = new LocalResponseNorm("n", (int) p[0], p[1], p[2], p[3]);
                lrn.forward(x);
                Conv2dTest.assertClose(NaiveLocalResponseNorm.backward(x, g, (int) p[0], p[1], p[2], p[3]), lrn.backward(g),
                        type + ", n " + p[0] + ", alpha " + p[1]);
            }
        }
    }

    @Test
    void naiveBackwardKnownAnswer() {
        // One channel, n = 1, alpha = 1, beta = 1, k = 1: b = a / (1 + a^2), db/da = (1 - a^2) / (1 + a^2)^2: at a = 2, -3/25.
        INDArray a = Nd4j.createFromArray(2.0).reshape(1, 1, 1, 1);
        assertEquals(-3.0 / 25, NaiveLocalResponseNorm.backward(a, Nd4j.onesLike(a), 1, 1, 1, 1).getDouble(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> NaiveLocalResponseNorm.backward(a, Nd4j.ones(1, 2, 1, 1), 1, 1, 1, 1));
    }

    @Test
    void alexNetConstantsAndNotPyTorchsAlphaOverN() {
        // One channel: b = a / (2 + 1e-4 a^2)^0.75. PyTorch's convention would use 1e-4/5 instead.
        var x = Nd4j.createFromArray(100.0).reshape(1, 1, 1, 1);
        double expected = 100 / Math.pow(2 + 1e-4 * 100 * 100, 0.75); // 100 / 3^0.75 = 43.8691...
        assertEquals(expected, new LocalResponseNorm("norm1").forward(x).getDouble(0), 1e-12);
        assertEquals(43.869133765083086, expected, 1e-9);
    }

    @Test
    void worksInFloat() {
        var x = Nd4j.rand(DataType.FLOAT, 2, 6, 4, 4);
        INDArray y = new LocalResponseNorm("norm1").forward(x);
        assertEquals(DataType.FLOAT, y.dataType());
        assertClose(NaiveLocalResponseNorm.forward(x.castTo(DataType.DOUBLE), 5, 1e-4, 0.75, 2), y.castTo(DataType.DOUBLE), 1e-6);
    }

    @Test
    void gradientCheckAlexNetConstants() {
        Nd4j.getRandom().setSeed(2);
        // Inputs around 10: alpha * sum a^2 is a few percent of k, so the normalisation shows.
        GradientCheck.check(new LocalResponseNorm("norm1"), Nd4j.randn(DataType.DOUBLE, 2, 7, 3, 3).muli(10));
    }

    @Test
    void gradientCheckWhereTheNormalisationMatters() {
        Nd4j.getRandom().setSeed(3);
        GradientCheck.check(new LocalResponseNorm("norm", 5, 0.1, 0.75, 2), Nd4j.randn(DataType.DOUBLE, 2, 8, 3, 3));
        GradientCheck.check(new LocalResponseNorm("norm", 3, 0.5, 1.5, 1), Nd4j.randn(DataType.DOUBLE, 1, 4, 2, 3));
    }

    @Test
    void shapeErrorNamesTheLayerAndBothShapes() {
        var e = assertThrows(ShapeException.class,
                () -> new LocalResponseNorm("norm1").forward(Nd4j.zeros(DataType.FLOAT, 4, 10)));
        assertTrue(e.getMessage().contains("norm1"), e.getMessage());
        assertTrue(e.getMessage().contains("[N, *, *, *]"), e.getMessage());
        assertTrue(e.getMessage().contains("[4, 10]"), e.getMessage());
    }

    @Test
    void evenSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LocalResponseNorm("n", 4, 1e-4, 0.75, 2));
        assertEquals(0, new LocalResponseNorm("n").parameterCount());
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        assertClose(expected, actual, 1e-12);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.data().asDouble(), actual.dup('c').data().asDouble(), tolerance);
    }
}
