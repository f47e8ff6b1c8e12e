package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

public class Conv2dTest {
    private static final float[][] NINE = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};

    private static INDArray image(float[][]... channels) {
        return Nd4j.createFromArray(new float[][][][]{channels});
    }

    @Test
    void knownAnswerForwardAndBackward() {
        // One 2x2 filter [[1, 2], [3, 4]], bias 0.5, on the 3x3 image 1..9.
        Conv2d conv = new Conv2d("conv", 1, 1, 2);
        conv.weight().set(Nd4j.createFromArray(new float[][][][]{{{{1, 2}, {3, 4}}}}));
        conv.bias().set(Nd4j.createFromArray(0.5f));
        INDArray y = conv.forward(image(NINE));
        // top left: 1*1 + 2*2 + 4*3 + 5*4 + 0.5 = 37.5, then 47.5, 67.5, 77.5
        assertArrayEquals(new long[]{1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[]{37.5f, 47.5f, 67.5f, 77.5f}, y.data().asFloat());

        INDArray dx = conv.backward(Nd4j.ones(DataType.FLOAT, 1, 1, 2, 2));
        // dL/dBias: 4 outputs; dL/dWeight[u][v]: the 4 pixels each weight met (1+2+4+5 = 12, ...);
        // dL/dx: the sum of the weights that touched each pixel (the centre met all four: 10).
        assertArrayEquals(new float[]{4}, conv.bias().gradient().data().asFloat());
        assertArrayEquals(new float[]{12, 16, 24, 28}, conv.weight().gradient().data().asFloat());
        assertArrayEquals(new float[]{1, 3, 2, 4, 10, 6, 3, 7, 4}, dx.data().asFloat());
    }

    @Test
    void knownAnswerStridePaddingGroups() {
        // Two groups: filter 0 (all ones) sees only channel 0, filter 1 (centre 1) sees only channel 1 = 10 * (1..9).
        // Padding 1, stride 2: windows centred on pixels (0,0), (0,2), (2,0), (2,2).
        Conv2d conv = new Conv2d("conv", 2, 2, 3, 2, 1, 2);
        INDArray w = Nd4j.zeros(DataType.FLOAT, 2, 1, 3, 3);
        w.slice(0).assign(1);
        w.slice(1).slice(0).putScalar(1, 1, 1f);
        conv.weight().set(w);
        conv.bias().set(Nd4j.createFromArray(0f, 1f));
        float[][] tens = {{10, 20, 30}, {40, 50, 60}, {70, 80, 90}};
        INDArray y = conv.forward(image(NINE, tens));
        assertArrayEquals(new long[]{1, 2, 2, 2}, y.shape());
        // channel 0: 2x2 corners of 1..9 (the rest is padding): 1+2+4+5 = 12, 16, 24, 28; channel 1: 10 + 1, 30 + 1, ...
        assertArrayEquals(new float[]{12, 16, 24, 28, 11, 31, 71, 91}, y.data().asFloat());
        assertEquals(y, NaiveConvolution.forward(image(NINE, tens), w, Nd4j.createFromArray(0f, 1f), 2, 1, 2));
    }

    @Test
    void matchesNaiveConvolution() {
        Nd4j.getRandom().setSeed(1);
        for (int k : new int[]{1, 3, 5, 11})
            for (int stride : new int[]{1, 2, 4})
                for (int padding : new int[]{0, 1, 2})
                    for (int groups : new int[]{1, 2, 4}) {
                        String what = "k " + k + ", stride " + stride + ", pad " + padding + ", groups " + groups;
                        Conv2d conv = new Conv2d("conv", 4, 8, k, stride, padding, groups)
                                .initialize(Init.gaussian(1), Init.gaussian(1), k * 100 + stride * 10 + padding);
                        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 4, 13, 15); // not square: height and width must not mix
                        INDArray fast = conv.forward(x);
                        INDArray slow = NaiveConvolution.forward(x, conv.weight().value(), conv.bias().value(), stride, padding, groups);
                        assertArrayEquals(slow.shape(), fast.shape(), what);
                        assertEquals(DataType.FLOAT, fast.dataType(), what);
                        double relative = fast.sub(slow).amaxNumber().doubleValue() / slow.amaxNumber().doubleValue();
                        assertTrue(relative < 1e-5, what + ": relative error " + relative);
                    }
    }

    /**
     * Both CPU engines: with oneDNN (the default run) a stride-1 layer or one with at least 8 input channels
     * per group runs on oneDNN, the rest on im2col; Maven runs this class again without oneDNN (im2col only).
     * backwardToParameters, the first layer's shortcut, has its own oneDNN path for stride 1 and one group;
     * so has backward on small maps (two convolutions instead of conv2d_bp), hence two map sizes.
     */
    @Test
    void backwardMatchesNaiveConvolution() {
        Nd4j.getRandom().setSeed(2);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE})
            for (int in : new int[]{4, 16})
                for (int k : new int[]{1, 3, 5})
                    for (int stride : new int[]{1, 2})
                        for (int padding : new int[]{0, 2})
                            for (int groups : new int[]{1, 2})
                                for (int height : new int[]{9, 19}) { // oneDNN splits the backward on small maps only
                                String what = type + ", " + in + " channels, k " + k + ", stride " + stride + ", pad " + padding
                                        + ", groups " + groups + ", " + height + " rows";
                                Conv2d conv = new Conv2d("conv", in, 6, k, stride, padding, groups)
                                        .initialize(Init.gaussian(1), Init.gaussian(1), k * 100 + stride * 10 + padding);
                                conv.parametersTo(type);
                                INDArray x = Nd4j.randn(type, 2, in, height, height + 2);
                                INDArray dy = Nd4j.randn(type, conv.forward(x).shape());
                                INDArray dx = conv.backward(dy);
                                NaiveConvolution.Gradients slow = NaiveConvolution.backward(x, conv.weight().value(), dy, stride, padding, groups);
                                assertEquals(type, dx.dataType(), what);
                                assertClose(slow.input(), dx, what + ", dL/dx");
                                assertClose(slow.weight(), conv.weight().gradient(), what + ", dL/dweight");
                                assertClose(slow.bias(), conv.bias().gradient(), what + ", dL/dbias");
                                conv.zeroGradients();
                                conv.forward(x);
                                conv.backwardToParameters(dy);
                                assertClose(slow.weight(), conv.weight().gradient(), what + ", dL/dweight (parameters only)");
                                assertClose(slow.bias(), conv.bias().gradient(), what + ", dL/dbias (parameters only)");
                            }
    }

    /** Equal shapes and a largest difference of at most 1e-5 of the largest entry (float sums in another order). */
    public static void assertClose(INDArray slow, INDArray fast, String what) {
        assertArrayEquals(slow.shape(), fast.shape(), what);
        double relative = fast.castTo(DataType.DOUBLE).sub(slow.castTo(DataType.DOUBLE)).amaxNumber().doubleValue()
                / slow.amaxNumber().doubleValue();
        assertTrue(relative <= 1e-5, what + ": relative error " + relative);
    }

    @Test
    void naiveBackwardKnownAnswer() {
        // The same numbers as knownAnswerForwardAndBackward, from the loops.
        INDArray w = Nd4j.createFromArray(new float[][][][]{{{{1, 2}, {3, 4}}}});
        NaiveConvolution.Gradients g = NaiveConvolution.backward(image(NINE), w, Nd4j.ones(DataType.FLOAT, 1, 1, 2, 2), 1, 0, 1);
        assertArrayEquals(new float[]{4}, g.bias().data().asFloat());
        assertArrayEquals(new float[]{12, 16, 24, 28}, g.weight().data().asFloat());
        assertArrayEquals(new float[]{1, 3, 2, 4, 10, 6, 3, 7, 4}, g.input().data().asFloat());
        assertThrows(IllegalArgumentException.class, () -> NaiveConvolution.backward(image(NINE), w, Nd4j.ones(DataType.FLOAT, 1, 1, 3, 3), 1, 0, 1));
    }

    @Test
    void acceptsViews() {
        // A channel slice of a bigger batch and a transposed image: not laid out as plain NCHW in memory.
        Conv2d conv = new Conv2d("conv", 3, 4, 3, 2, 1, 1);
        INDArray big = Nd4j.randn(DataType.FLOAT, 2, 5, 9, 8);
        for (INDArray x : new INDArray[]{big.get(NDArrayIndex.all(),
                NDArrayIndex.interval(1, 4)), big.get(NDArrayIndex.all(),
                NDArrayIndex.interval(0, 3)).permute(0, 1, 3, 2)}) {
            INDArray slow = NaiveConvolution.forward(x, conv.weight().value(), conv.bias().value(), 2, 1, 1);
            assertTrue(conv.forward(x).sub(slow).amaxNumber().doubleValue() < 1e-5 * slow.amaxNumber().doubleValue());
        }
    }

    // Finite differences lose about 1e-15 * |loss| / 1e-6 to rounding, which is too much for an entry whose
    // gradient happens to be tiny. Small weights and inputs keep the loss small; seeds make the check repeatable.
    private static void check(Conv2d conv, long seed, long... inputShape) {
        conv.initialize(Init.gaussian(0.1), Init.gaussian(0.1), seed);
        Nd4j.getRandom().setSeed(seed);
        GradientCheck.check(conv, Nd4j.randn(DataType.DOUBLE, inputShape).muli(0.1), 60); // 60 sampled entries per tensor
    }

    @Test
    void gradientCheckPlain() {
        check(new Conv2d("conv", 3, 4, 3), 11, 2, 3, 6, 7);
    }

    @Test
    void gradientCheckStrideAndPadding() {
        check(new Conv2d("conv", 3, 4, 3, 2, 1, 1), 12, 2, 3, 7, 6);
    }

    @Test
    void gradientCheckGroups() {
        check(new Conv2d("conv", 4, 6, 3, 1, 1, 2), 13, 2, 4, 5, 5);
    }

    @Test
    void gradientCheckConnectionTable() {
        boolean[][] table = {{true, false, false}, {true, true, false}, {false, true, true}, {true, true, true}};
        Conv2d conv = new Conv2d("conv", 3, 4, 3).connections(table);
        check(conv, 14, 2, 3, 5, 5);
        // Unconnected weights stay zero and learn nothing.
        assertEquals(0, conv.weight().value().slice(0).slice(1).amaxNumber().doubleValue());
        assertEquals(0, conv.weight().gradient().slice(0).slice(1).amaxNumber().doubleValue());
        assertEquals(0, conv.weight().gradient().slice(2).slice(0).amaxNumber().doubleValue());
    }

    /** The first layer's shortcut (no input gradient) must give the same parameter gradients as backward. */
    @Test
    void backwardToParametersGivesTheSameParameterGradients() {
        Nd4j.getRandom().setSeed(21);
        boolean[][] table = {{true, false, false}, {true, true, false}, {false, true, true}, {true, true, true}};
        Conv2d[] layers = {
                new Conv2d("one channel, padded", 1, 6, 5, 1, 2, 1),   // LeNet's conv1
                new Conv2d("several channels", 3, 4, 3, 1, 0, 1),
                new Conv2d("strided", 3, 4, 3, 2, 1, 1),
                new Conv2d("grouped", 4, 6, 3, 1, 1, 2),
                new Conv2d("many channels", 8, 4, 3, 1, 1, 1),
                new Conv2d("table", 3, 4, 3).connections(table)};
        for (Conv2d conv : layers) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 3, conv.inChannels(), 9, 8);
            INDArray g = Nd4j.randn(DataType.FLOAT, conv.outputShape(x.shape()));
            conv.zeroGradients();
            conv.forward(x);
            conv.backward(g);
            INDArray dW = conv.weight().gradient().dup(), dB = conv.bias().gradient().dup();
            conv.zeroGradients();
            conv.forward(x);
            conv.backwardToParameters(g);
            double scale = dW.amaxNumber().doubleValue();
            assertTrue(conv.weight().gradient().sub(dW).amaxNumber().doubleValue() < 1e-5 * scale, conv.name() + ": weight gradient");
            assertTrue(conv.bias().gradient().sub(dB).amaxNumber().doubleValue() < 1e-5 * dB.amaxNumber().doubleValue(), conv.name() + ": bias gradient");
        }
        var conv = new Conv2d("conv", 1, 2, 3);
        assertThrows(IllegalStateException.class, () -> conv.backwardToParameters(Nd4j.zeros(DataType.FLOAT, 1, 2, 3, 3)));
    }

    @Test
    void secondBackwardGivesTheSameGradient() {
        Conv2d conv = new Conv2d("conv", 2, 3, 3, 1, 1, 1);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 2, 5, 5), g = Nd4j.randn(DataType.FLOAT, 2, 3, 5, 5);
        conv.forward(x);
        INDArray first = conv.backward(g);
        assertEquals(first, conv.backward(g));
    }

    @Test
    void parameterCounts() {
        assertEquals(34_944, new Conv2d("conv1", 3, 96, 11, 4, 2, 1).parameterCount());
        assertEquals(307_456, new Conv2d("conv2", 96, 256, 5, 1, 2, 2).parameterCount());
        assertEquals(1_516, new Conv2d("C3", 6, 16, 5).connections(LeNet5Table.C3).parameterCount());
    }

    @Test
    void multiplyAdds() {
        // AlexNet conv1 on 224x224 with padding 2: 55x55 outputs, each 3 * 11 * 11 multiply-adds per channel.
        assertEquals(96L * 55 * 55 * 3 * 11 * 11, new Conv2d("conv1", 3, 96, 11, 4, 2, 1).multiplyAdds(new long[]{1, 3, 224, 224}));
        assertEquals(2L * 256 * 27 * 27 * 48 * 25, new Conv2d("conv2", 96, 256, 5, 1, 2, 2).multiplyAdds(new long[]{2, 96, 27, 27}));
        // LeNet-5 C3: 10x10 outputs, 60 connections of 5x5 weights each.
        assertEquals(100L * 60 * 25, new Conv2d("C3", 6, 16, 5).connections(LeNet5Table.C3).multiplyAdds(new long[]{1, 6, 14, 14}));
    }

    @Test
    void shapes() {
        Conv2d conv1 = new Conv2d("conv1", 3, 96, 11, 4, 2, 1);
        assertArrayEquals(new long[]{8, 96, 55, 55}, conv1.outputShape(new long[]{8, 3, 224, 224}));
        assertArrayEquals(new long[]{8, 256, 27, 27}, new Conv2d("conv2", 96, 256, 5, 1, 2, 2).outputShape(new long[]{8, 96, 27, 27}));
        assertArrayEquals(new long[]{1, 96, 1, 1}, conv1.outputShape(new long[]{1, 3, 7, 7}), "7 + 2*2 = 11: just fits");
    }

    @Test
    void shapeErrorsNameTheLayerAndBothShapes() {
        Conv2d conv2 = new Conv2d("conv2", 96, 256, 5, 1, 2, 2);
        var wrongChannels = assertThrows(ShapeException.class, () -> conv2.forward(Nd4j.zeros(DataType.FLOAT, 8, 3, 27, 27)));
        assertMessage(wrongChannels, "conv2", "[N, 96, *, *] (images with 96 channels)", "[8, 3, 27, 27]");
        var wrongRank = assertThrows(ShapeException.class, () -> conv2.outputShape(new long[]{96, 27, 27}));
        assertMessage(wrongRank, "conv2", "[N, 96, *, *]", "[96, 27, 27]");
        Conv2d conv1 = new Conv2d("conv1", 3, 96, 11, 4, 2, 1);
        var tooSmall = assertThrows(ShapeException.class, () -> conv1.outputShape(new long[]{1, 3, 6, 40}));
        assertMessage(tooSmall, "conv1", "11x11", "[1, 3, 6, 40]");
        conv1.forward(Nd4j.zeros(DataType.FLOAT, 1, 3, 7, 7));
        var wrongGradient = assertThrows(ShapeException.class, () -> conv1.backward(Nd4j.zeros(DataType.FLOAT, 1, 96, 2, 2)));
        assertMessage(wrongGradient, "conv1", "[1, 96, 1, 1]", "[1, 96, 2, 2]");
    }

    static void assertMessage(Exception e, String... parts) {
        for (String part : parts)
            assertTrue(e.getMessage().contains(part), "\"" + e.getMessage() + "\" should contain \"" + part + "\"");
    }

    @Test
    void invalidSettings() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Conv2d("conv2", 95, 256, 5, 1, 2, 2)),
                "conv2", "95 input channels do not split into 2 groups");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 4, 6, 3, 1, 0, 4)),
                "6 output channels do not split into 4 groups");
        assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 3, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 3, 8, 3, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 3, 8, 3, 1, -1, 1));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 4, 4, 3, 1, 0, 2).connections(new boolean[4][4])),
                "groups = 1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 4, 4, 3).connections(new boolean[3][4])),
                "one row per output channel");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 2, 1, 3).connections(new boolean[][]{{false, false}})),
                "output map 0 is connected to no input map");
        Conv2d conv = new Conv2d("c", 1, 1, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> conv.forward(Nd4j.zeros(DataType.DOUBLE, 1, 1, 3, 3))),
                "parametersTo");
    }

    @Test
    void seededInitialisationIsReproducible() {
        assertEquals(new Conv2d("conv1", 3, 8, 5).weight().value(), new Conv2d("conv1", 3, 8, 5).weight().value(), "same name, same start");
        Conv2d a = new Conv2d("a", 3, 8, 5).initialize(Init.gaussian(0.01), Init.constant(1), 42);
        Conv2d b = new Conv2d("b", 3, 8, 5).initialize(Init.gaussian(0.01), Init.constant(1), 42);
        assertEquals(a.weight().value(), b.weight().value());
        assertEquals(Nd4j.ones(DataType.FLOAT, 8), a.bias().value());
        b.initialize(Init.gaussian(0.01), Init.constant(1), 43);
        assertNotEquals(a.weight().value(), b.weight().value());
        // He et al.: std sqrt(2 / fanIn), fanIn = 3 * 5 * 5 = 75
        double std = new Conv2d("big", 3, 512, 5).weight().value().stdNumber().doubleValue();
        assertEquals(Math.sqrt(2.0 / 75), std, 0.01);
    }

    @Test
    void initializeClearsTheGradientsAsLinearAndSubsamplingDo() {
        // Gradients of the old weights must not be applied to the new ones.
        Conv2d conv = new Conv2d("conv", 2, 3, 3);
        Linear fc = new Linear("fc", 4, 3);
        Subsampling s2 = new Subsampling("S2", 2);
        conv.backward(Nd4j.onesLike(conv.forward(Nd4j.ones(DataType.FLOAT, 1, 2, 4, 4))));
        fc.backward(Nd4j.onesLike(fc.forward(Nd4j.ones(DataType.FLOAT, 1, 4))));
        s2.backward(Nd4j.onesLike(s2.forward(Nd4j.ones(DataType.FLOAT, 1, 2, 4, 4))));
        List<Parameter> all = List.of(conv.weight(), conv.bias(), fc.weight(), fc.bias(), s2.coefficient(), s2.bias());
        for (Parameter p : all)
            assertTrue(p.gradient().amaxNumber().doubleValue() > 0, p.name() + " has a gradient");
        conv.initialize(Init.he(), Init.constant(0), 1);
        fc.initialize(Init.he(), Init.constant(0), 1);
        s2.initialize(Init.lecunUniform(), Init.constant(0), 1);
        for (Parameter p : all)
            assertEquals(0, p.gradient().amaxNumber().doubleValue(), p.name() + " after initialize");
    }

    @Test
    void connectionTableInitialisationUsesEachMapsFanIn() {
        Conv2d c3 = new Conv2d("C3", 6, 16, 5).connections(LeNet5Table.C3).initialize(Init.lecunUniform(), Init.constant(0), 7);
        // LeCun 1998: U(-2.4/F, 2.4/F); map 0 has F = 3 * 25, map 15 has F = 6 * 25
        assertTrue(c3.weight().value().slice(0).amaxNumber().doubleValue() <= 2.4 / 75);
        assertTrue(c3.weight().value().slice(0).amaxNumber().doubleValue() > 2.4 / 150);
        assertTrue(c3.weight().value().slice(15).amaxNumber().doubleValue() <= 2.4 / 150);
        assertEquals(0, c3.weight().value().slice(0).slice(3).amaxNumber().doubleValue(), "map 0 does not see input 3");
        assertEquals(1_516, c3.parameterCount());
    }

    @Test
    void describesItself() {
        assertEquals("Conv2d(conv2: 96->256, 5x5, stride 1, pad 2, groups 2)", new Conv2d("conv2", 96, 256, 5, 1, 2, 2).toString());
        Conv2d c = new Conv2d("c", 3, 4, 3, 2, 1, 1);
        assertEquals(3, c.inChannels());
        assertEquals(4, c.outChannels());
        assertEquals(3, c.kernelSize());
        assertEquals(2, c.stride());
        assertEquals(1, c.padding());
        assertEquals(1, c.groups());
    }
}
