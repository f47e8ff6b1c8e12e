package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class TanhTest {
    @Test
    void knownAnswer() {
        var tanh = new Tanh("tanh");
        var x = Nd4j.createFromArray(0.0, 1.0, -2.0);
        // tanh(1) = (e^2 - 1)/(e^2 + 1) = 0.76159...; tanh(-2) = -0.96402...
        assertArrayEquals(new double[]{0, 0.7615941559557649, -0.9640275800758169}, tanh.forward(x).data().asDouble(), 1e-12);
        // dy/dx = 1 - tanh^2: 1 at 0, 0.41997... at 1, 0.07065... at -2
        assertArrayEquals(new double[]{1, 0.41997434161402614, 0.07065082485316443},
                tanh.backward(Nd4j.ones(DataType.DOUBLE, 3)).data().asDouble(), 1e-12);
    }

    @Test
    void lecunsSquashingFunction() {
        var f = Tanh.lecun("f");
        var y = f.forward(Nd4j.createFromArray(0.0, 1.0, -1.0)).data().asDouble();
        // Chosen so that f(+-1) = +-1 (LeCun 1998, appendix A): 1.7159 tanh(2/3) = 1.0000...
        assertArrayEquals(new double[]{0, 1, -1}, y, 1e-4);
        // Gain at 0: A S = 1.7159 * 2/3 = 1.14393...
        assertEquals(1.7159 * 2 / 3, f.backward(Nd4j.ones(DataType.DOUBLE, 3)).getDouble(0), 1e-12);
        assertEquals("Tanh(f: 1.7159 tanh(0.6666666666666666 x))", f.toString());
    }

    @Test
    void keepsTheInputTypeAndTheInput() {
        var x = Nd4j.createFromArray(0.5f, -0.5f);
        assertEquals(DataType.FLOAT, new Tanh("t").forward(x).dataType());
        assertArrayEquals(new float[]{0.5f, -0.5f}, x.data().asFloat());
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(9);
        GradientCheck.check(new Tanh("tanh"), Nd4j.randn(DataType.DOUBLE, 3, 4, 2, 2));
        GradientCheck.check(Tanh.lecun("f"), Nd4j.randn(DataType.DOUBLE, 5, 7));
    }

    @Test
    void matchesNaiveActivationsForwardAndBackward() {
        Nd4j.getRandom().setSeed(7);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.randn(type, 3, 4, 5).muli(3), dy = Nd4j.randn(type, 3, 4, 5);
            Tanh layer = new Tanh("tanh", 1.7159, 2.0 / 3);
            Conv2dTest.assertClose(NaiveActivations.tanhForward(x, 1.7159, 2.0 / 3), layer.forward(x), type + ", y");
            Conv2dTest.assertClose(NaiveActivations.tanhBackward(x, dy, 1.7159, 2.0 / 3), layer.backward(dy), type + ", dL/dx");
        }
    }
}
