package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class LinearTest {
    @Test
    void knownAnswer() {
        var fc = new Linear("fc", 2, 3);
        fc.parametersTo(DataType.DOUBLE);
        fc.weight().set(Nd4j.createFromArray(new double[][]{{1, 2, 3}, {4, 5, 6}})); // [in, out]
        fc.bias().set(Nd4j.createFromArray(0.5, -1.0, 0.0));
        var x = Nd4j.createFromArray(new double[][]{{1, 2}});
        // y = x W + b = (1 + 8 + 0.5, 2 + 10 - 1, 3 + 12 + 0)
        assertArrayEquals(new double[]{9.5, 11, 15}, fc.forward(x).data().asDouble(), 1e-12);

        var g = Nd4j.createFromArray(new double[][]{{1, 0, -1}});
        // dL/dx = g W^T = (1 - 3, 4 - 6);  dL/dW = x^T g;  dL/db = g
        assertArrayEquals(new double[]{-2, -2}, fc.backward(g).data().asDouble(), 1e-12);
        assertArrayEquals(new double[]{1, 0, -1, 2, 0, -2}, fc.weight().gradient().data().asDouble(), 1e-12);
        assertArrayEquals(new double[]{1, 0, -1}, fc.bias().gradient().data().asDouble(), 1e-12);
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(11);
        GradientCheck.check(new Linear("fc", 7, 5), Nd4j.randn(DataType.DOUBLE, 4, 7));
        var biased = new Linear("fc", 3, 4).initialize(Init.gaussian(0.5), Init.constant(1), 3);
        GradientCheck.check(biased, Nd4j.randn(DataType.DOUBLE, 2, 3));
    }

    @Test
    void shapeErrorsSayWhatWasExpected() {
        var fc6 = new Linear("fc6", 6400, 2);
        var e = assertThrows(ShapeException.class, () -> fc6.forward(Nd4j.zeros(DataType.FLOAT, 32, 100)));
        assertEquals("fc6: expected input [N, 6400] (vectors of 6400 features), got [32, 100]", e.getMessage());
        var e4 = assertThrows(ShapeException.class, () -> fc6.outputShape(new long[]{32, 256, 5, 5}));
        assertTrue(e4.getMessage().startsWith("fc6: expected input [N, 6400] (vectors of 6400 features"), e4.getMessage());
        assertTrue(e4.getMessage().contains("put a Flatten before it"), e4.getMessage());
        assertTrue(e4.getMessage().endsWith("got [32, 256, 5, 5]"), e4.getMessage());
    }

    @Test
    void alexNetFc6SizesAndCounts() {
        var fc6 = new Linear("fc6", 6400, 4096);
        assertEquals(6400L * 4096 + 4096, fc6.parameterCount());
        assertEquals(26_218_496L, fc6.parameterCount());
        assertArrayEquals(new long[]{32, 4096}, fc6.outputShape(new long[]{32, 6400}));
        assertEquals(32L * 6400 * 4096, fc6.multiplyAdds(new long[]{32, 6400}));
        assertArrayEquals(new long[]{6400, 4096}, fc6.weight().value().shape());
        assertArrayEquals(new long[]{4096}, fc6.bias().value().shape());
        assertEquals("Linear(fc6: 6400->4096)", fc6.toString());
        // He init: standard deviation sqrt(2 / 6400) = 0.0177
        assertEquals(Math.sqrt(2.0 / 6400), fc6.weight().value().stdNumber().doubleValue(), 1e-4);
        assertEquals(0, fc6.bias().value().sumNumber().doubleValue());
    }

    @Test
    void seededByTheName() {
        assertEquals(new Linear("fc7", 10, 4).weight().value(), new Linear("fc7", 10, 4).weight().value());
        assertNotEquals(new Linear("fc7", 10, 4).weight().value(), new Linear("fc8", 10, 4).weight().value());
        var a = new Linear("a", 10, 4).initialize(Init.xavier(), Init.constant(0.1), 5);
        var b = new Linear("b", 10, 4).initialize(Init.xavier(), Init.constant(0.1), 5);
        assertEquals(a.weight().value(), b.weight().value());
        assertEquals(0.1, b.bias().value().getDouble(3), 1e-7);
    }

    @Test
    void floatByDefaultAndAClearTypeMismatch() {
        var fc = new Linear("fc", 3, 2);
        assertEquals(DataType.FLOAT, fc.forward(Nd4j.rand(DataType.FLOAT, 2, 3)).dataType());
        var e = assertThrows(IllegalArgumentException.class, () -> fc.forward(Nd4j.rand(DataType.DOUBLE, 2, 3)));
        assertTrue(e.getMessage().contains("fc") && e.getMessage().contains("DOUBLE"), e.getMessage());
    }

    @Test
    void matchesNaiveLinearForwardAndBackward() {
        Nd4j.getRandom().setSeed(6);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            Linear fc = new Linear("fc", 37, 11).initialize(Init.gaussian(1), Init.gaussian(1), 6);
            fc.parametersTo(type);
            INDArray x = Nd4j.randn(type, 5, 37), dy = Nd4j.randn(type, 5, 11);
            Conv2dTest.assertClose(NaiveLinear.forward(x, fc.weight().value(), fc.bias().value()), fc.forward(x), type + ", y");
            fc.zeroGradients();
            INDArray dx = fc.backward(dy);
            NaiveLinear.Gradients slow = NaiveLinear.backward(x, fc.weight().value(), dy);
            Conv2dTest.assertClose(slow.input(), dx, type + ", dL/dx");
            Conv2dTest.assertClose(slow.weight(), fc.weight().gradient(), type + ", dL/dW");
            Conv2dTest.assertClose(slow.bias(), fc.bias().gradient(), type + ", dL/db");
        }
    }

    @Test
    void naiveLinearKnownAnswer() {
        // x = [1, 2], W = [[1, 2, 3], [4, 5, 6]], b = [0, 0, 1]: y = [9, 12, 16]; dy = 1: dx = row sums of W, dW = x^T 1.
        INDArray x = Nd4j.createFromArray(new double[][]{{1, 2}}), w = Nd4j.createFromArray(new double[][]{{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new double[]{9, 12, 16}, NaiveLinear.forward(x, w, Nd4j.createFromArray(0.0, 0.0, 1.0)).data().asDouble());
        NaiveLinear.Gradients g = NaiveLinear.backward(x, w, Nd4j.ones(DataType.DOUBLE, 1, 3));
        assertArrayEquals(new double[]{6, 15}, g.input().data().asDouble());
        assertArrayEquals(new double[]{1, 1, 1, 2, 2, 2}, g.weight().data().asDouble());
        assertArrayEquals(new double[]{1, 1, 1}, g.bias().data().asDouble());
        assertThrows(IllegalArgumentException.class, () -> NaiveLinear.backward(x, w, Nd4j.ones(DataType.DOUBLE, 1, 2)));
    }
}
