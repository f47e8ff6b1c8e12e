package io.github.alexlab.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SequentialTest {
    private static Sequential smallNet() {
        return new Sequential("net", new Linear("fc1", 4, 8), new ReLU("relu1"), new Linear("fc2", 8, 3));
    }

    @Test
    void shapesCountsAndParameters() {
        var net = smallNet();
        assertArrayEquals(new long[]{5, 3}, net.outputShape(new long[]{5, 4}));
        assertArrayEquals(new long[]{5, 3}, net.forward(Nd4j.rand(DataType.FLOAT, 5, 4)).shape());
        assertEquals(4 * 8 + 8 + 8 * 3 + 3, net.parameterCount()); // 67
        assertEquals(5 * 4 * 8 + 5 * 8 * 3, net.multiplyAdds(new long[]{5, 4}));
        var fc1 = (Linear) net.get("fc1");
        assertSame(fc1.weight(), net.parameters().get(0), "the layer's own Parameter, not a copy");
        assertEquals(4, net.parameters().size());
        assertEquals(List.of("fc1", "relu1", "fc2"), net.layers().stream().map(Layer::name).toList());
    }

    @Test
    void theSummaryGroupsItsCountsAndKeepsThemAsNumbers() {
        var net = new Sequential("wide", new Linear("fc", 1000, 1000), new ReLU("relu"));
        var table = net.summary(2, 1000);
        assertEquals("1,001,000", table.column("parameters").getString(0));
        assertEquals("2,000,000", table.column("multiply-adds").getString(0));
        assertEquals("4,004,000", table.column("weight bytes").getString(2), "the total row");
        assertEquals(1_001_000L, table.longColumn("parameters").get(0), "code still reads the count");
        assertTrue(table.print().contains("1,001,000"), table.print());
    }

    @Test
    void gradientCheckOfTheWholeNet() {
        Nd4j.getRandom().setSeed(17);
        var net = smallNet();
        ((Linear) net.get("fc1")).initialize(Init.he(), Init.constant(0.1), 1);
        GradientCheck.check(net, Nd4j.randn(DataType.DOUBLE, 3, 4));
    }

    @Test
    void backwardToParametersGivesTheSameParameterGradientsAsBackward() {
        Nd4j.getRandom().setSeed(5);
        var net = new Sequential("conv net", new Conv2d("conv1", 1, 3, 3, 1, 1, 1), new ReLU("relu1"), new Flatten("flatten"),
                new Linear("fc", 3 * 4 * 4, 2));
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 1, 4, 4), g = Nd4j.randn(DataType.FLOAT, 2, 2);
        net.forward(x);
        net.backward(g);
        List<INDArray> expected = net.parameters().stream().map(p -> p.gradient().dup()).toList();
        net.zeroGradients();
        net.forward(x);
        net.backwardToParameters(g);
        for (int i = 0; i < expected.size(); i++) {
            INDArray e = expected.get(i), got = net.parameters().get(i).gradient();
            assertTrue(e.amaxNumber().doubleValue() > 0, "gradient " + i + " is not all zero");
            assertTrue(got.sub(e).amaxNumber().doubleValue() < 1e-5 * e.amaxNumber().doubleValue(), "gradient " + i);
        }
    }

    @Test
    void anInnerShapeErrorNamesTheInnerLayer() {
        var net = smallNet();
        var e = assertThrows(ShapeException.class, () -> net.outputShape(new long[]{5, 6}));
        assertTrue(e.getMessage().startsWith("fc1: expected input [N, 4]"), e.getMessage());
        var e2 = assertThrows(ShapeException.class, () -> net.forward(Nd4j.zeros(DataType.FLOAT, 5, 6)));
        assertEquals(e.getMessage(), e2.getMessage());
    }

    @Test
    void getListsTheNamesWhenMissing() {
        var outer = new Sequential("outer", smallNet(), new Dropout("drop", 0.5, 1));
        assertEquals("fc2", outer.get("fc2").name(), "found inside the nested Sequential");
        var e = assertThrows(IllegalArgumentException.class, () -> outer.get("fc9"));
        assertEquals("outer has no layer named 'fc9'; its layers: net, drop", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Sequential("twice", new ReLU("r"), new ReLU("r")));
    }

    @Test
    void trainAndParameterTypesPropagate() {
        var drop = new Dropout("drop", 0.5, 1);
        var net = new Sequential("net", new Linear("fc", 2, 2), drop);
        net.train(false);
        assertFalse(drop.isTraining());
        net.parametersTo(DataType.DOUBLE);
        assertEquals(DataType.DOUBLE, ((Linear) net.get("fc")).weight().value().dataType());
        net.train(true);
        assertTrue(drop.isTraining());
    }

    @Test
    void backwardRunsInReverse() {
        var net = smallNet();
        net.parametersTo(DataType.DOUBLE);
        var x = Nd4j.randn(DataType.DOUBLE, 2, 4);
        var g = Nd4j.randn(DataType.DOUBLE, 2, 3);
        net.forward(x);
        var dx = net.backward(g);
        // By hand through the same layers
        var fc1 = (Linear) net.get("fc1");
        var fc2 = (Linear) net.get("fc2");
        var relu = net.get("relu1");
        var expected = fc1.backward(relu.backward(fc2.backward(g)));
        assertEquals(expected, dx);
    }

    @Test
    void toStringOneLayerPerLine() {
        assertEquals("Sequential(net)\n  Linear(fc1: 4->8)\n  ReLU(relu1)\n  Linear(fc2: 8->3)", smallNet().toString());
    }
}
