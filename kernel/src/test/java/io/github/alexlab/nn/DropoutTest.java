package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class DropoutTest {
    @Test
    void evaluationIsTheIdentity() {
        var drop = new Dropout("drop6", 0.5, 1);
        assertTrue(drop.isTraining(), "starts in training mode");
        drop.train(false);
        var x = Nd4j.createFromArray(new float[][]{{1, -2, 3}, {4, 5, -6}});
        assertEquals(x, drop.forward(x), "no dropping and no scaling");
        var g = Nd4j.createFromArray(new float[][]{{1, 1, 1}, {2, 2, 2}});
        assertEquals(g, drop.backward(g));
    }

    @Test
    void trainingDropsAboutPAndKeepsTheMean() {
        int n = 100_000;
        var drop = new Dropout("drop6", 0.5, 42);
        INDArray y = drop.forward(Nd4j.ones(DataType.FLOAT, 100, n / 100));
        double dropped = y.eq(0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        // Binomial: standard deviation sqrt(p (1-p) / n) = 0.0016; allow 5 of them.
        assertEquals(0.5, dropped, 5 * Math.sqrt(0.25 / n));
        // Kept entries are scaled by 1/(1-p) = 2, so the mean stays 1 (standard deviation 1/sqrt(n)).
        assertEquals(2.0, y.maxNumber().doubleValue(), 0);
        assertEquals(1.0, y.meanNumber().doubleValue(), 5 / Math.sqrt(n));

        var rare = new Dropout("d", 0.1, 7).forward(Nd4j.ones(DataType.DOUBLE, n));
        assertEquals(0.1, rare.eq(0).castTo(DataType.DOUBLE).meanNumber().doubleValue(), 5 * Math.sqrt(0.09 / n));
        assertEquals(1 / 0.9, rare.maxNumber().doubleValue(), 1e-12);
    }

    @Test
    void theSameSeedGivesTheSameMasks() {
        var x = Nd4j.ones(DataType.FLOAT, 8, 50);
        var a = new Dropout("a", 0.5, 123);
        var b = new Dropout("b", 0.5, 123);
        assertEquals(a.forward(x), b.forward(x));
        assertEquals(a.forward(x), b.forward(x), "the second masks agree too");
        assertNotEquals(a.forward(x), new Dropout("c", 0.5, 124).forward(x));
        assertNotEquals(a.forward(x), a.forward(x), "each forward draws a new mask");
    }

    @Test
    void backwardUsesTheForwardMask() {
        var drop = new Dropout("drop", 0.3, 5);
        var x = Nd4j.rand(DataType.DOUBLE, 4, 20).addi(1); // no zeros of its own
        INDArray y = drop.forward(x);
        INDArray dx = drop.backward(Nd4j.ones(DataType.DOUBLE, 4, 20));
        assertEquals(y.div(x), dx, "dL/dx = mask = y / x");
    }

    @Test
    void pZeroKeepsEverythingAndBadPIsRefused() {
        var x = Nd4j.rand(DataType.FLOAT, 3, 3);
        assertEquals(x, new Dropout("d", 0, 1).forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout("d", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout("d", -0.1, 1));
    }

    @Test
    void gradientCheckInAFixedMask() {
        Nd4j.getRandom().setSeed(13);
        GradientCheck.check(new FixedMask(0.5, 99), Nd4j.randn(DataType.DOUBLE, 4, 6, 2, 2));
    }

    /**
     * The gradient check calls forward many times. A fresh Dropout with the same seed on each call
     * draws the same mask, so the check sees one fixed function (and relies on seeding working).
     */
    private static final class FixedMask implements Layer {
        private final double p;
        private final long seed;
        private Dropout current;

        FixedMask(double p, long seed) {
            this.p = p;
            this.seed = seed;
        }

        @Override
        public String name() {
            return "dropout (fixed mask)";
        }

        @Override
        public INDArray forward(INDArray input) {
            current = new Dropout("drop", p, seed);
            return current.forward(input);
        }

        @Override
        public INDArray backward(INDArray gradOutput) {
            return current.backward(gradOutput);
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inputShape.clone();
        }
    }

    @Test
    void matchesNaiveDropoutForwardAndBackward() {
        Nd4j.getRandom().setSeed(12);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            Dropout dropout = new Dropout("drop", 0.3, 12);
            INDArray x = Nd4j.rand(type, 8, 50).addi(0.5); // no zeros: a zero in y means a dropped unit
            INDArray y = dropout.forward(x), dy = Nd4j.randn(type, 8, 50);
            double[] out = y.dup('c').reshape(y.length()).toDoubleVector();
            boolean[] kept = new boolean[out.length];
            int keptCount = 0;
            for (int i = 0; i < out.length; i++)
                if (kept[i] = out[i] != 0)
                    keptCount++;
            assertTrue(keptCount > 200 && keptCount < 360, "about 70% of 400 kept: " + keptCount);
            Conv2dTest.assertClose(NaiveDropout.forward(x, kept, 0.3), y, type + ", y");
            Conv2dTest.assertClose(NaiveDropout.backward(dy, kept, 0.3), dropout.backward(dy), type + ", dL/dx");
        }
    }
}
