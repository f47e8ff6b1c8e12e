package io.github.alexlab.train;

import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.inverse.InvertMatrix;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SgdTest {
    /** f(w) = w^2 / 2, so dL/dw = w; the step rule worked out by hand below. */
    private static double[] quadratic(DataType type) {
        var w = new Parameter("w", Nd4j.scalar(type, 1.0).reshape(1));
        var sgd = new SGD(List.of(w), 0.1).momentum(0.9);
        double[] values = new double[3];
        for (int i = 0; i < 3; i++) {
            sgd.zeroGradients();
            w.gradient().assign(w.value()); // grad = w
            sgd.step();
            values[i] = w.value().getDouble(0);
        }
        assertEquals(type, sgd.velocity(w).dataType());
        return values;
    }

    @Test
    void momentumOnQuadraticByHand() {
        // v1 = -0.1 * 1                = -0.1    w1 = 0.9
        // v2 = 0.9 * -0.1  - 0.1 * 0.9  = -0.18   w2 = 0.72
        // v3 = 0.9 * -0.18 - 0.1 * 0.72 = -0.234  w3 = 0.486
        assertArrayEquals(new double[]{0.9, 0.72, 0.486}, quadratic(DataType.DOUBLE), 1e-12);
        assertArrayEquals(new double[]{0.9, 0.72, 0.486}, quadratic(DataType.FLOAT), 1e-6);
    }

    @Test
    void stepLeavesGradientsAlone() {
        var w = new Parameter("w", Nd4j.createFromArray(3.0, -1.0));
        var sgd = new SGD(List.of(w), 0.5);
        w.gradient().assign(Nd4j.createFromArray(2.0, 4.0));
        sgd.step(); // momentum 0: w - lr g
        assertArrayEquals(new double[]{2.0, -3.0}, w.value().toDoubleVector(), 1e-12);
        assertArrayEquals(new double[]{2.0, 4.0}, w.gradient().toDoubleVector(), 0);
        sgd.zeroGradients();
        assertArrayEquals(new double[]{0, 0}, w.gradient().toDoubleVector(), 0);
    }

    @Test
    void weightDecayShrinksByExactFactor() {
        var w = new Parameter("weight", Nd4j.createFromArray(2.0, -4.0));
        var b = new Parameter("bias", Nd4j.createFromArray(2.0, -4.0));
        var sgd = new SGD(List.of(w, b), 0.1).weightDecay(0.0005);
        sgd.step(); // zero gradient: w <- w - wd lr w = w (1 - 0.00005)
        assertArrayEquals(new double[]{2 * 0.99995, -4 * 0.99995}, w.value().toDoubleVector(), 1e-15);
        assertArrayEquals(new double[]{2 * 0.99995, -4 * 0.99995}, b.value().toDoubleVector(), 1e-15);

        sgd.decayBiases(false).step(); // the bias now keeps its value, the weight shrinks again
        assertArrayEquals(new double[]{2 * 0.99995, -4 * 0.99995}, b.value().toDoubleVector(), 0);
        // with momentum 0 the velocity is just this step: w (1 - a)^2
        assertArrayEquals(new double[]{2 * 0.99995 * 0.99995, -4 * 0.99995 * 0.99995},
                w.value().toDoubleVector(), 1e-15);
    }

    @Test
    void weightDecayWithMomentumByHand() {
        // a = wd lr = 0.01, m = 0.5, w0 = 1, no gradient:
        // v1 = -a w0 = -0.01, w1 = 0.99; v2 = 0.5 * -0.01 - 0.01 * 0.99 = -0.0149, w2 = 0.9751
        var w = new Parameter("w", Nd4j.createFromArray(1.0f));
        var sgd = new SGD(List.of(w), 0.1).momentum(0.5).weightDecay(0.1);
        sgd.step();
        sgd.step();
        assertEquals(0.9751, w.value().getDouble(0), 1e-6);
    }

    @Test
    void maskedEntriesStayZero() {
        var w = new Parameter("weight", Nd4j.createFromArray(new float[][]{{1, 2}, {3, 4}}));
        w.setMask(Nd4j.createFromArray(new float[][]{{1, 0}, {1, 1}}));
        var sgd = new SGD(List.of(w), 0.1).momentum(0.9).weightDecay(0.01);
        for (int i = 0; i < 5; i++) {
            w.gradient().assign(-1); // set directly, not through accumulate: the masked entry gets a gradient too
            sgd.step();
        }
        assertEquals(0, w.value().getDouble(0, 1), 0);
        assertEquals(0, sgd.velocity(w).getDouble(0, 1), 0);
        assertTrue(w.value().getDouble(0, 0) > 1, "a trainable entry moves against the gradient");
        assertTrue(w.value().getDouble(1, 1) > 4);
    }

    @Test
    void smallAndLargeParametersTakeTheSameSteps() {
        // A small parameter takes the update as one Java loop, a large one as ND4J's calls: the same numbers.
        int small = 1000, large = (int) SGD.MOST_NUMBERS_FOR_ONE_LOOP + 1;
        Nd4j.getRandom().setSeed(11);
        INDArray start = Nd4j.randn(DataType.FLOAT, large);
        var a = new Parameter("weight", start.get(NDArrayIndex.interval(0, small)).dup());
        var b = new Parameter("weight", start.dup());
        var c = new Parameter("bias", start.get(NDArrayIndex.interval(0, small)).dup()); // no weight decay for it
        var sgd = new SGD(List.of(a, b, c), 0.1).momentum(0.9).weightDecay(0.01).decayBiases(false);
        double w = start.getDouble(7), v = 0, bias = w, biasV = 0; // element 7 by hand, in double
        for (int step = 0; step < 3; step++) {
            sgd.zeroGradients();
            for (Parameter p : List.of(a, b, c))
                p.gradient().assign(p.value().mul(p.value())); // g = w^2
            sgd.step();
            v = 0.9 * v - 0.01 * 0.1 * w - 0.1 * w * w;
            w += v;
            biasV = 0.9 * biasV - 0.1 * bias * bias;
            bias += biasV;
        }
        INDArray largeHead = b.value().get(NDArrayIndex.interval(0, small));
        assertTrue(a.value().equalsWithEps(largeHead, 1e-6), "loop and ND4J calls differ by "
                + a.value().sub(largeHead).amaxNumber());
        assertEquals(w, a.value().getDouble(7), 1e-6);
        assertEquals(w, b.value().getDouble(7), 1e-6);
        assertEquals(bias, c.value().getDouble(7), 1e-6);
        assertEquals(0, b.gradient().getDouble(large - 1) - Math.pow(b.value().getDouble(large - 1) - sgd.velocity(b).getDouble(large - 1), 2), 1e-5);
    }

    @Test
    void minimisesLeastSquares() {
        // y = X a + c + noise, fitted by a Linear layer with MSE; the answer is the least-squares
        // solution of [X 1] (a; c) = y, from the normal equations.
        Nd4j.getRandom().setSeed(7);
        int n = 64;
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, 3);
        INDArray y = x.mmul(Nd4j.createFromArray(new double[][]{{1.5}, {-2.0}, {0.5}})).addi(0.3)
                .addi(Nd4j.randn(DataType.DOUBLE, n, 1).muli(0.1));
        INDArray design = Nd4j.hstack(x, Nd4j.ones(DataType.DOUBLE, n, 1));
        INDArray best = InvertMatrix.invert(design.transpose().mmul(design), false)
                .mmul(design.transpose()).mmul(y); // [a1, a2, a3, c]

        var fit = new Linear("fit", 3, 1);
        fit.parametersTo(DataType.DOUBLE);
        var sgd = new SGD(fit.parameters(), 0.05).momentum(0.9);
        double loss = 0;
        for (int i = 0; i < 300; i++) {
            sgd.zeroGradients();
            INDArray error = fit.forward(x).sub(y);
            loss = error.mul(error).meanNumber().doubleValue(); // L = mean (y^ - y)^2
            fit.backward(error.mul(2.0 / n));                   // dL/dy^ = 2 (y^ - y) / N
            sgd.step();
        }
        for (int j = 0; j < 3; j++)
            assertEquals(best.getDouble(j, 0), fit.weight().value().getDouble(j, 0), 1e-6, "weight " + j);
        assertEquals(best.getDouble(3, 0), fit.bias().value().getDouble(0), 1e-6, "bias");
        assertTrue(loss < 0.02, "loss " + loss + " near the noise level 0.01");
    }

    @Test
    void badArgumentsRejected() {
        var w = new Parameter("w", Nd4j.zeros(DataType.FLOAT, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w), 0));
        assertEquals("learning rate must be more than 0, got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w), Double.NaN));
        assertTrue(e.getMessage().endsWith("got NaN"), e.getMessage());
        var sgd = new SGD(List.of(w), 0.01);
        var atTheEndOfASchedule = new SGD(List.of(w), 0.01);
        atTheEndOfASchedule.setLearningRate(0); // steps that change nothing
        assertEquals(0, atTheEndOfASchedule.learningRate());
        e = assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(-0.5));
        assertTrue(e.getMessage().endsWith("got -0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sgd.momentum(1));
        assertTrue(e.getMessage().startsWith("momentum must be in [0, 1), got 1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sgd.momentum(-0.1));
        assertEquals("momentum must be in [0, 1), got -0.1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sgd.weightDecay(-1e-4));
        assertEquals("weight decay must be 0 or more, got -1.0E-4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.01));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertEquals(0.01, sgd.learningRate(), 0); // a rejected value changes nothing
        assertEquals(0, sgd.momentum(), 0);
    }
}
