package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EuclideanRbfTest {
    @Test
    void outputsMinusTheSquaredDistanceToEachFixedCode() {
        EuclideanRbf rbf = new EuclideanRbf("output", 3, 4, 1);
        var x = Nd4j.createFromArray(new double[][]{{1, -1, 0.5}});
        var out = rbf.forward(x);
        for (int i = 0; i < 4; i++) {
            var code = rbf.codes().getRow(i).castTo(DataType.DOUBLE);
            double expected = -x.getRow(0).sub(code).mul(x.getRow(0).sub(code)).sumNumber().doubleValue();
            assertEquals(expected, out.getDouble(0, i), 1e-12, "class " + i);
        }
        // The codes are +-1 and fixed: nothing to train.
        assertEquals(12, rbf.codes().eq(1).castTo(DataType.INT32).sumNumber().intValue()
                + rbf.codes().eq(-1).castTo(DataType.INT32).sumNumber().intValue());
        assertEquals(0, rbf.parameterCount());
    }

    @Test
    void anInputOnACodeScoresZeroForThatClass() {
        EuclideanRbf rbf = new EuclideanRbf("output", 84, 10, 5);
        var out = rbf.forward(rbf.codes().getRow(3).reshape(1, 84).dup());
        assertEquals(0, out.getDouble(0, 3), 1e-6);
        assertEquals(3, out.argMax(1).getInt(0), "the nearest code wins");
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(3);
        GradientCheck.check(new EuclideanRbf("output", 6, 4, 2), Nd4j.rand(DataType.DOUBLE, 3, 6).subi(0.5).muli(0.2));
    }

    @Test
    void aWrongWidthNamesTheLayer() {
        var e = assertThrows(ShapeException.class, () -> new EuclideanRbf("output", 84, 10, 1).forward(Nd4j.zeros(2, 120)));
        assertTrue(e.getMessage().contains("output") && e.getMessage().contains("84") && e.getMessage().contains("[2, 120]"), e.getMessage());
    }

    @Test
    void matchesNaiveEuclideanRbfForwardAndBackward() {
        Nd4j.getRandom().setSeed(10);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            EuclideanRbf rbf = new EuclideanRbf("rbf", 84, 10, 10);
            INDArray x = Nd4j.randn(type, 7, 84), dy = Nd4j.randn(type, 7, 10);
            Conv2dTest.assertClose(NaiveEuclideanRbf.forward(x, rbf.codes()), rbf.forward(x), type + ", y");
            Conv2dTest.assertClose(NaiveEuclideanRbf.backward(x, rbf.codes(), dy), rbf.backward(dy), type + ", dL/dx");
        }
        // A known answer: x = (1, 0), code (1, 1): y = -(0 + 1) = -1, dx = -2 (x - w) = (0, 2).
        INDArray x = Nd4j.createFromArray(new double[][]{{1, 0}}), w = Nd4j.createFromArray(new double[][]{{1, 1}});
        assertEquals(-1.0, NaiveEuclideanRbf.forward(x, w).getDouble(0), 0.0);
        assertEquals(2.0, NaiveEuclideanRbf.backward(x, w, Nd4j.ones(DataType.DOUBLE, 1, 1)).getDouble(0, 1), 0.0);
    }
}
