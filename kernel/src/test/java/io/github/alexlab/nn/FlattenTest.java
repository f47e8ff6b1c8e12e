package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class FlattenTest {
    @Test
    void knownAnswer() {
        var flatten = new Flatten("flatten");
        // [2, 2, 1, 2]: example 0 holds 0..3, example 1 holds 4..7
        var x = Nd4j.arange(8).castTo(DataType.FLOAT).reshape(2, 2, 1, 2);
        var y = flatten.forward(x);
        assertArrayEquals(new long[]{2, 4}, y.shape());
        assertArrayEquals(new float[]{0, 1, 2, 3}, y.getRow(0).toFloatVector());
        assertArrayEquals(new float[]{4, 5, 6, 7}, y.getRow(1).toFloatVector());
        var g = flatten.backward(y.mul(10));
        assertArrayEquals(new long[]{2, 2, 1, 2}, g.shape());
        assertEquals(50, g.getDouble(1, 0, 0, 1), 0);
    }

    @Test
    void shapes() {
        var flatten = new Flatten("flatten");
        assertArrayEquals(new long[]{32, 6400}, flatten.outputShape(new long[]{32, 256, 5, 5}));
        assertArrayEquals(new long[]{5, 7}, flatten.outputShape(new long[]{5, 7}));
        var e = assertThrows(ShapeException.class, () -> flatten.forward(Nd4j.zeros(DataType.FLOAT, 6)));
        assertTrue(e.getMessage().startsWith("flatten: expected input [N, ...]"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got [6]"), e.getMessage());
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(10);
        GradientCheck.check(new Flatten("flatten"), Nd4j.randn(DataType.DOUBLE, 3, 2, 3, 2));
        GradientCheck.check(new Flatten("flatten"), Nd4j.randn(DataType.DOUBLE, 3, 2, 3, 2).permute(0, 2, 1, 3));
    }

    @Test
    void matchesNaiveFlattenForwardAndBackward() {
        Nd4j.getRandom().setSeed(11);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            var flatten = new Flatten("flatten");
            // a contiguous input and a permuted view, whose reshape must copy
            for (var x : new INDArray[]{Nd4j.randn(type, 3, 4, 2, 5), Nd4j.randn(type, 3, 2, 4, 5).permute(0, 2, 1, 3)}) {
                var y = flatten.forward(x);
                var dy = Nd4j.randn(type, y.shape());
                Conv2dTest.assertClose(NaiveFlatten.forward(x), y, type + ", y");
                Conv2dTest.assertClose(NaiveFlatten.backward(x.shape(), dy), flatten.backward(dy), type + ", dL/dx");
            }
        }
    }

    @Test
    void naiveFlattenKnownAnswer() {
        var x = Nd4j.arange(8).castTo(DataType.FLOAT).reshape(2, 2, 1, 2);
        assertArrayEquals(new float[]{4, 5, 6, 7}, NaiveFlatten.forward(x).getRow(1).toFloatVector());
        var dx = NaiveFlatten.backward(new long[]{2, 2, 1, 2}, NaiveFlatten.forward(x).mul(10));
        assertEquals(50, dx.getDouble(1, 0, 0, 1), 0);
        assertThrows(IllegalArgumentException.class, () -> NaiveFlatten.backward(new long[]{2, 2, 1, 2}, Nd4j.zeros(DataType.FLOAT, 2, 5)));
    }
}
