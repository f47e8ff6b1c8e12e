package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class SoftmaxTest {
    @Test
    void knownAnswer() {
        // e^(0, ln 2, ln 3) = (1, 2, 3), divided by 6
        var x = Nd4j.createFromArray(new double[][]{{0, Math.log(2), Math.log(3)}, {5, 5, 5}});
        var y = new Softmax("softmax").forward(x);
        assertArrayEquals(new double[]{1.0 / 6, 2.0 / 6, 3.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 3}, y.data().asDouble(), 1e-12);
    }

    @Test
    void hugeScoresStayFinite() {
        // e^1000 overflows; after subtracting the max it is e^-1 / (e^-1 + 1) = 1 / (1 + e)
        var y = new Softmax("softmax").forward(Nd4j.createFromArray(new float[][]{{1000, 1001}}));
        assertArrayEquals(new float[]{(float) (1 / (1 + Math.E)), (float) (Math.E / (1 + Math.E))},
                y.data().asFloat(), 1e-6f);
    }

    @Test
    void backwardKnownAnswer() {
        // y = (1/2, 1/2), g = (1, 0): sum g y = 1/2, dx = y (g - 1/2) = (1/4, -1/4)
        var softmax = new Softmax("softmax");
        softmax.forward(Nd4j.createFromArray(new double[][]{{3, 3}}));
        var dx = softmax.backward(Nd4j.createFromArray(new double[][]{{1, 0}}));
        assertArrayEquals(new double[]{0.25, -0.25}, dx.data().asDouble(), 1e-12);
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(12);
        GradientCheck.check(new Softmax("softmax"), Nd4j.randn(DataType.DOUBLE, 4, 6).muli(2));
    }

    @Test
    void shapeError() {
        var e = assertThrows(ShapeException.class,
                () -> new Softmax("prob").forward(Nd4j.zeros(DataType.FLOAT, 2, 3, 4, 4)));
        assertEquals("prob: expected input [N, *] (a batch of score vectors), got [2, 3, 4, 4]", e.getMessage());
    }

    @Test
    void matchesNaiveSoftmaxForwardAndBackward() {
        Nd4j.getRandom().setSeed(8);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray z = Nd4j.randn(type, 6, 10).muli(4), dy = Nd4j.randn(type, 6, 10);
            Softmax softmax = new Softmax("softmax");
            Conv2dTest.assertClose(NaiveSoftmax.forward(z), softmax.forward(z), type + ", y");
            Conv2dTest.assertClose(NaiveSoftmax.backward(z, dy), softmax.backward(dy), type + ", dL/dz");
        }
    }
}
