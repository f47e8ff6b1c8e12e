package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class SigmoidTest {
    @Test
    void knownAnswer() {
        var sigmoid = new Sigmoid("sigmoid");
        // 1/(1 + e^0) = 1/2;  1/(1 + e^-ln3) = 1/(1 + 1/3) = 3/4;  1/(1 + e^ln3) = 1/4
        var x = Nd4j.createFromArray(0.0, Math.log(3), -Math.log(3));
        assertArrayEquals(new double[]{0.5, 0.75, 0.25}, sigmoid.forward(x).data().asDouble(), 1e-12);
        // y (1 - y): 1/4, 3/16, 3/16, times the incoming gradient (2, 1, -1)
        var g = Nd4j.createFromArray(2.0, 1.0, -1.0);
        assertArrayEquals(new double[]{0.5, 0.1875, -0.1875}, sigmoid.backward(g).data().asDouble(), 1e-12);
        assertArrayEquals(new double[]{0, Math.log(3), -Math.log(3)}, x.data().asDouble(), "the input is left as it was");
    }

    @Test
    void worksInFloat() {
        assertEquals(DataType.FLOAT, new Sigmoid("s").forward(Nd4j.rand(DataType.FLOAT, 2, 3)).dataType());
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(8);
        // Uniform in (-2, 2): far out in the tails the gradient is so small that rounding dominates.
        GradientCheck.check(new Sigmoid("sigmoid"), Nd4j.rand(DataType.DOUBLE, 3, 4, 2, 2).subi(0.5).muli(4));
    }

    @Test
    void matchesNaiveActivationsForwardAndBackward() {
        Nd4j.getRandom().setSeed(7);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.randn(type, 3, 4, 5).muli(3), dy = Nd4j.randn(type, 3, 4, 5);
            Sigmoid layer = new Sigmoid("sigmoid");
            Conv2dTest.assertClose(NaiveActivations.sigmoidForward(x), layer.forward(x), type + ", y");
            Conv2dTest.assertClose(NaiveActivations.sigmoidBackward(x, dy), layer.backward(dy), type + ", dL/dx");
        }
    }
}
