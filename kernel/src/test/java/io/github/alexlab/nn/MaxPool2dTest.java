package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import static io.github.alexlab.nn.Conv2dTest.assertMessage;
import static org.junit.jupiter.api.Assertions.*;

class MaxPool2dTest {
    static final float[][] FOUR = {
            {1, 5, 2, 0},
            {3, 4, 8, 1},
            {9, 2, 6, 7},
            {0, 1, 3, 4}};

    static INDArray image(float[][] pixels) {
        return Nd4j.createFromArray(new float[][][][]{{pixels}});
    }

    @Test
    void knownAnswerTwoByTwo() {
        MaxPool2d pool = new MaxPool2d("pool", 2, 2);
        assertArrayEquals(new float[]{5, 8, 9, 7}, pool.forward(image(FOUR)).data().asFloat());
        INDArray dx = pool.backward(Nd4j.createFromArray(new float[][][][]{{{{1, 2}, {3, 4}}}}));
        // Each window's gradient goes to its maximum: 5 at (0,1), 8 at (1,2), 9 at (2,0), 7 at (2,3).
        assertArrayEquals(new float[]{
                0, 1, 0, 0,
                0, 0, 2, 0,
                3, 0, 0, 4,
                0, 0, 0, 0}, dx.data().asFloat());
    }

    @Test
    void knownAnswerOverlappingWindowsAddUp() {
        // AlexNet's 3x3 windows, stride 2: windows (0,0) and (0,1) share column 2, and both have their maximum 30 there.
        float[][] x = {
                {1, 2, 30, 3, 4},
                {5, 6, 7, 8, 9},
                {10, 11, 12, 13, 14},
                {15, 16, 17, 40, 18},
                {19, 20, 21, 22, 23}};
        MaxPool2d pool = new MaxPool2d("pool", 3, 2);
        assertArrayEquals(new float[]{30, 30, 21, 40}, pool.forward(image(x)).data().asFloat());
        INDArray dx = pool.backward(Nd4j.createFromArray(new float[][][][]{{{{1, 2}, {3, 4}}}}));
        assertArrayEquals(new float[]{
                0, 0, 3, 0, 0, // 1 + 2: both windows route to the 30
                0, 0, 0, 0, 0,
                0, 0, 0, 0, 0,
                0, 0, 0, 4, 0,
                0, 0, 3, 0, 0}, dx.data().asFloat());
    }

    @Test
    void gradientCheckOverlapping() {
        GradientCheck.check(new MaxPool2d("pool", 3, 2), withoutTies(1, 2, 7, 9));
    }

    @Test
    void gradientCheckTwoByTwo() {
        GradientCheck.check(new MaxPool2d("pool", 2, 2), withoutTies(1, 3, 6, 5));
    }

    @Test
    void matchesNaivePoolingForwardAndBackward() {
        Nd4j.getRandom().setSeed(3);
        for (int[] kAndStride : new int[][]{{2, 2}, {3, 2}, {3, 1}, {5, 3}}) {
            String what = "k " + kAndStride[0] + ", stride " + kAndStride[1];
            MaxPool2d pool = new MaxPool2d("pool", kAndStride[0], kAndStride[1]);
            INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 11, 13);
            INDArray y = pool.forward(x);
            Conv2dTest.assertClose(NaivePooling.forward(x, kAndStride[0], kAndStride[1], NaivePooling.Kind.MAX), y, what + ", y");
            INDArray dy = Nd4j.randn(DataType.FLOAT, y.shape());
            Conv2dTest.assertClose(NaivePooling.backward(x, dy, kAndStride[0], kAndStride[1], NaivePooling.Kind.MAX),
                    pool.backward(dy), what + ", dL/dx");
        }
    }

    @Test
    void naivePoolingKnownAnswer() {
        // 3x3 windows, stride 2 on 5x5 = 0..24: the maxima are the windows' bottom-right pixels 12, 14, 22, 24;
        // the averages their centres 6, 8, 16, 18. Max backward: each dL/dy to its window's maximum.
        INDArray x = Nd4j.linspace(DataType.FLOAT, 0, 25, 1).reshape(1, 1, 5, 5);
        INDArray dy = Nd4j.createFromArray(1f, 2f, 3f, 4f).reshape(1, 1, 2, 2);
        assertArrayEquals(new float[]{12, 14, 22, 24}, NaivePooling.forward(x, 3, 2, NaivePooling.Kind.MAX).data().asFloat());
        assertArrayEquals(new float[]{6, 8, 16, 18}, NaivePooling.forward(x, 3, 2, NaivePooling.Kind.AVERAGE).data().asFloat());
        INDArray dx = NaivePooling.backward(x, dy, 3, 2, NaivePooling.Kind.MAX);
        assertEquals(1f, dx.getFloat(0, 0, 2, 2));
        assertEquals(4f, dx.getFloat(0, 0, 4, 4));
        assertEquals(10.0, dx.sumNumber().doubleValue(), 0.0);
        // Average backward: the centre pixel (2, 2) is in all four windows: (1 + 2 + 3 + 4) / 9.
        assertEquals(10f / 9, NaivePooling.backward(x, dy, 3, 2, NaivePooling.Kind.AVERAGE).getFloat(0, 0, 2, 2), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> NaivePooling.backward(x, x, 3, 2, NaivePooling.Kind.MAX));
    }

    /** A shuffled 0, 1, 2, ...: no two pixels equal, so every window has one clear maximum. */
    static INDArray withoutTies(long... shape) {
        Nd4j.getRandom().setSeed(5);
        long n = 1;
        for (long s : shape)
            n *= s;
        INDArray values = Nd4j.linspace(DataType.DOUBLE, 0, n, 1).divi(n);
        Nd4j.shuffle(values, 0);
        return values.reshape(shape);
    }

    @Test
    void shapesAndCounts() {
        MaxPool2d pool1 = new MaxPool2d("pool1", 3, 2);
        assertArrayEquals(new long[]{32, 64, 27, 27}, pool1.outputShape(new long[]{32, 64, 55, 55}));
        assertArrayEquals(new long[]{1, 6, 14, 14}, new MaxPool2d("p", 2, 2).outputShape(new long[]{1, 6, 28, 28}));
        assertEquals(0L, pool1.multiplyAdds(new long[]{1, 64, 55, 55}));
        assertEquals(0, pool1.parameterCount());
        assertEquals("MaxPool2d(pool1: 3x3, stride 2)", pool1.toString());
    }

    @Test
    void shapeErrors() {
        MaxPool2d pool = new MaxPool2d("pool5", 3, 2);
        assertMessage(assertThrows(ShapeException.class, () -> pool.forward(Nd4j.zeros(DataType.FLOAT, 256, 6, 6))),
                "pool5", "[N, *, *, *]", "[256, 6, 6]");
        assertMessage(assertThrows(ShapeException.class, () -> pool.outputShape(new long[]{1, 256, 2, 6})),
                "pool5", "3x3", "[1, 256, 2, 6]");
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d("p", 0, 2));
        assertThrows(IllegalStateException.class, () -> new MaxPool2d("p", 2, 2).backward(Nd4j.zeros(1, 1, 1, 1)));
    }

    @Test
    void tiesSendTheGradientToTheFirstMaximumAsTheLoopsDo() {
        // After a ReLU whole windows are 0: every engine must pick the same pixel (the first in reading order)
        Nd4j.getRandom().setSeed(5);
        INDArray x = Transforms.relu(Nd4j.randn(DataType.FLOAT, 2, 3, 9, 9), false);
        x.get(NDArrayIndex.point(0), NDArrayIndex.point(0)).assign(0.5); // a plane of equal values
        for (int[] kAndStride : new int[][]{{2, 2}, {3, 2}}) {
            MaxPool2d pool = new MaxPool2d("pool", kAndStride[0], kAndStride[1]);
            INDArray dy = Nd4j.randn(DataType.FLOAT, pool.forward(x).shape());
            Conv2dTest.assertClose(NaivePooling.backward(x, dy, kAndStride[0], kAndStride[1], NaivePooling.Kind.MAX),
                    pool.backward(dy), "ties, k " + kAndStride[0] + ", stride " + kAndStride[1]);
        }
    }

    @Test
    void fastEnoughForAlexNet() {
        // pool1 of AlexNet at batch 8: [8, 64, 55, 55] -> [8, 64, 27, 27], forward and backward.
        MaxPool2d pool = new MaxPool2d("pool1", 3, 2);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 64, 55, 55);
        long start = System.nanoTime();
        INDArray y = pool.forward(x);
        pool.backward(y);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "pool1 took over 5 s");
    }
}
