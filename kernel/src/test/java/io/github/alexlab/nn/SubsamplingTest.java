package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.github.alexlab.nn.Conv2dTest.assertMessage;
import static io.github.alexlab.nn.MaxPool2dTest.FOUR;
import static org.junit.jupiter.api.Assertions.*;

class SubsamplingTest {
    private static Subsampling twoChannels() {
        Subsampling s = new Subsampling("S2", 2);
        s.coefficient().set(Nd4j.createFromArray(2f, -1f));
        s.bias().set(Nd4j.createFromArray(0.5f, 1f));
        return s;
    }

    private static INDArray fourAndOnes() {
        float[][] ones = {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}};
        return Nd4j.createFromArray(new float[][][][]{{FOUR, ones}});
    }

    @Test
    void knownAnswer() {
        Subsampling s = twoChannels();
        INDArray y = s.forward(fourAndOnes());
        // channel 0: block sums 13, 11, 12, 20, times 2 plus 0.5; channel 1: 4 * -1 + 1 = -3
        assertArrayEquals(new float[]{26.5f, 22.5f, 24.5f, 40.5f, -3, -3, -3, -3}, y.data().asFloat());

        INDArray g = Nd4j.ones(DataType.FLOAT, 1, 2, 2, 2);
        g.slice(0).slice(1).assign(2);
        INDArray dx = s.backward(g);
        assertArrayEquals(new float[]{4, 8}, s.bias().gradient().data().asFloat()); // sum of dL/dy
        assertArrayEquals(new float[]{56, 32}, s.coefficient().gradient().data().asFloat()); // 13+11+12+20; 2 * 4 * 4
        float[] d = dx.data().asFloat(); // coefficient * dL/dy on every pixel of the block: 2 * 1, -1 * 2
        for (int i = 0; i < 16; i++) {
            assertEquals(2f, d[i]);
            assertEquals(-2f, d[16 + i]);
        }
    }

    @Test
    void oddSizesLeaveTheLastRowAndColumnOut() {
        Subsampling s = new Subsampling("S", 1);
        s.coefficient().set(Nd4j.createFromArray(1f));
        INDArray x = Nd4j.linspace(DataType.FLOAT, 1, 25, 1).reshape(1, 1, 5, 5);
        // blocks of 1..25 as 5x5: 1+2+6+7 = 16, 3+4+8+9 = 24, 11+12+16+17 = 56, 13+14+18+19 = 64
        assertArrayEquals(new float[]{16, 24, 56, 64}, s.forward(x).data().asFloat());
        INDArray dx = s.backward(Nd4j.ones(DataType.FLOAT, 1, 1, 2, 2));
        assertEquals(16, dx.sumNumber().doubleValue(), 1e-6);
        assertEquals(0, dx.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.point(4)).sumNumber().doubleValue());
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(31);
        GradientCheck.check(new Subsampling("S2", 3), Nd4j.randn(DataType.DOUBLE, 2, 3, 4, 5));
    }

    @Test
    void parametersShapesAndErrors() {
        assertEquals(12, new Subsampling("S2", 6).parameterCount());
        assertEquals(32, new Subsampling("S4", 16).parameterCount());
        Subsampling s2 = new Subsampling("S2", 6);
        assertArrayEquals(new long[]{1, 6, 14, 14}, s2.outputShape(new long[]{1, 6, 28, 28}));
        assertEquals(6L * 14 * 14, s2.multiplyAdds(new long[]{1, 6, 28, 28}));
        assertEquals("Subsampling(S2: 6 channels, 2x2 sum x coefficient + bias)", s2.toString());
        assertMessage(assertThrows(ShapeException.class, () -> s2.forward(Nd4j.zeros(DataType.FLOAT, 1, 16, 10, 10))),
                "S2", "[N, 6, *, *] (images with 6 channels)", "[1, 16, 10, 10]");
        assertMessage(assertThrows(ShapeException.class, () -> s2.outputShape(new long[]{6, 28, 28})), "S2", "[N, 6, *, *]", "[6, 28, 28]");
        assertMessage(assertThrows(ShapeException.class, () -> s2.outputShape(new long[]{1, 6, 1, 28})), "S2", "[1, 6, 1, 28]");
    }

    @Test
    void seededInitialisation() {
        Subsampling a = new Subsampling("a", 6).initialize(Init.lecunUniform(), Init.constant(0), 3);
        Subsampling b = new Subsampling("b", 6).initialize(Init.lecunUniform(), Init.constant(0), 3);
        assertEquals(a.coefficient().value(), b.coefficient().value());
        assertTrue(a.coefficient().value().amaxNumber().doubleValue() <= 2.4 / 4, "LeCun: U(-2.4/F, 2.4/F), F = 4");
        assertEquals(0, a.bias().value().amaxNumber().doubleValue());
        assertEquals(new Subsampling("S2", 6).coefficient().value(), new Subsampling("S2", 6).coefficient().value());
    }

    @Test
    void matchesNaiveSubsamplingForwardAndBackward() {
        Nd4j.getRandom().setSeed(11);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            Subsampling s2 = new Subsampling("S2", 6).initialize(Init.gaussian(1), Init.gaussian(1), 11);
            s2.parametersTo(type);
            INDArray x = Nd4j.randn(type, 3, 6, 9, 8); // an odd height: the last row is in no block
            INDArray y = s2.forward(x), dy = Nd4j.randn(type, y.shape());
            Conv2dTest.assertClose(NaiveSubsampling.forward(x, s2.coefficient().value(), s2.bias().value()), y, type + ", y");
            s2.zeroGradients();
            INDArray dx = s2.backward(dy);
            NaiveSubsampling.Gradients slow = NaiveSubsampling.backward(x, s2.coefficient().value(), dy);
            Conv2dTest.assertClose(slow.input(), dx, type + ", dL/dx");
            Conv2dTest.assertClose(slow.coefficient(), s2.coefficient().gradient(), type + ", dL/dcoefficient");
            Conv2dTest.assertClose(slow.bias(), s2.bias().gradient(), type + ", dL/dbias");
        }
    }
}
