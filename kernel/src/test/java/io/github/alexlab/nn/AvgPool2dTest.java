package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.github.alexlab.nn.Conv2dTest.assertMessage;
import static io.github.alexlab.nn.MaxPool2dTest.FOUR;
import static io.github.alexlab.nn.MaxPool2dTest.image;
import static org.junit.jupiter.api.Assertions.*;

class AvgPool2dTest {
    @Test
    void matchesNaivePoolingForwardAndBackward() {
        Nd4j.getRandom().setSeed(4);
        for (int[] kAndStride : new int[][]{{2, 2}, {3, 2}, {3, 1}, {5, 3}}) {
            String what = "k " + kAndStride[0] + ", stride " + kAndStride[1];
            AvgPool2d pool = new AvgPool2d("pool", kAndStride[0], kAndStride[1]);
            INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 11, 13);
            INDArray y = pool.forward(x);
            Conv2dTest.assertClose(NaivePooling.forward(x, kAndStride[0], kAndStride[1], NaivePooling.Kind.AVERAGE), y, what + ", y");
            INDArray dy = Nd4j.randn(DataType.FLOAT, y.shape());
            Conv2dTest.assertClose(NaivePooling.backward(x, dy, kAndStride[0], kAndStride[1], NaivePooling.Kind.AVERAGE),
                    pool.backward(dy), what + ", dL/dx");
        }
    }

    @Test
    void knownAnswerTwoByTwo() {
        AvgPool2d pool = new AvgPool2d("pool", 2, 2);
        // (1+5+3+4)/4 = 3.25, (2+0+8+1)/4 = 2.75, (9+2+0+1)/4 = 3, (6+7+3+4)/4 = 5
        assertArrayEquals(new float[]{3.25f, 2.75f, 3, 5}, pool.forward(image(FOUR)).data().asFloat());
        INDArray dx = pool.backward(Nd4j.createFromArray(new float[][][][]{{{{1, 2}, {3, 4}}}}));
        assertArrayEquals(new float[]{
                0.25f, 0.25f, 0.5f, 0.5f,
                0.25f, 0.25f, 0.5f, 0.5f,
                0.75f, 0.75f, 1, 1,
                0.75f, 0.75f, 1, 1}, dx.data().asFloat());
    }

    @Test
    void knownAnswerOverlapping() {
        // 3x3 windows, stride 2, on a 5x5 image: the centre pixel is in all 4 windows, an edge middle in 2.
        AvgPool2d pool = new AvgPool2d("pool", 3, 2);
        assertArrayEquals(new float[]{1, 1, 1, 1}, pool.forward(Nd4j.ones(DataType.FLOAT, 1, 1, 5, 5)).data().asFloat());
        float[] dx = pool.backward(Nd4j.ones(DataType.FLOAT, 1, 1, 2, 2)).mul(9).data().asFloat(); // in ninths
        assertArrayEquals(new float[]{
                1, 1, 2, 1, 1,
                1, 1, 2, 1, 1,
                2, 2, 4, 2, 2,
                1, 1, 2, 1, 1,
                1, 1, 2, 1, 1}, dx, 1e-5f);
    }

    @Test
    void gradientCheck() {
        Nd4j.getRandom().setSeed(21);
        GradientCheck.check(new AvgPool2d("pool", 3, 2), Nd4j.randn(DataType.DOUBLE, 1, 2, 7, 8));
        GradientCheck.check(new AvgPool2d("pool", 2, 2), Nd4j.randn(DataType.DOUBLE, 1, 3, 6, 6));
    }

    @Test
    void shapesCountsAndErrors() {
        AvgPool2d pool = new AvgPool2d("avg", 2, 2);
        assertArrayEquals(new long[]{4, 16, 5, 5}, pool.outputShape(new long[]{4, 16, 10, 11}));
        assertEquals(0L, pool.multiplyAdds(new long[]{1, 16, 10, 10}));
        assertEquals("AvgPool2d(avg: 2x2, stride 2)", pool.toString());
        assertMessage(assertThrows(ShapeException.class, () -> pool.outputShape(new long[]{16, 10, 10})), "avg", "[N, *, *, *]", "[16, 10, 10]");
        assertMessage(assertThrows(ShapeException.class, () -> pool.outputShape(new long[]{1, 16, 1, 10})), "avg", "2x2", "[1, 16, 1, 10]");
    }
}
