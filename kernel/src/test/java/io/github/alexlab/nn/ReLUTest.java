package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ReLUTest {
    @Test
    void knownAnswer() {
        ReLU relu = new ReLU("relu");
        var x = Nd4j.createFromArray(new float[][]{{-2, 0, 3}, {1.5f, -0.5f, 4}});
        assertArrayEquals(new float[]{0, 0, 3, 1.5f, 0, 4}, relu.forward(x).data().asFloat());
        var g = Nd4j.createFromArray(new float[][]{{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new float[]{0, 0, 3, 4, 0, 6}, relu.backward(g).data().asFloat());
        assertArrayEquals(new float[]{-2, 0, 3, 1.5f, -0.5f, 4}, x.data().asFloat(), "the input is left as it was");
    }

    @Test
    void gradientCheck() {
        // Away from 0, where ReLU has no derivative.
        var x = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 4).subi(0.5);
        x.addi(x.gt(0).castTo(DataType.DOUBLE).muli(0.1)).subi(x.lt(0).castTo(DataType.DOUBLE).muli(0.1));
        GradientCheck.check(new ReLU("relu"), x);
    }

    @Test
    void matchesNaiveActivationsForwardAndBackward() {
        Nd4j.getRandom().setSeed(7);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.randn(type, 3, 4, 5).muli(3), dy = Nd4j.randn(type, 3, 4, 5);
            ReLU layer = new ReLU("relu");
            Conv2dTest.assertClose(NaiveActivations.reluForward(x), layer.forward(x), type + ", y");
            Conv2dTest.assertClose(NaiveActivations.reluBackward(x, dy), layer.backward(dy), type + ", dL/dx");
        }
    }
}
