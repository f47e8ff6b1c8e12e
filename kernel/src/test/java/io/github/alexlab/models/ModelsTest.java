package io.github.alexlab.models;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.GradientCheck;
import io.github.alexlab.nn.LayerTable;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.nn.ShapeException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.Table;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsTest {
    private static long total(Table table, String column) {
        return table.longColumn(column).get(table.rowCount() - 1);
    }

    private static long row(Table table, String layer, String column) {
        for (int r = 0; r < table.rowCount(); r++)
            if (table.stringColumn("layer").get(r).equals(layer))
                return table.longColumn(column).get(r);
        throw new AssertionError("no layer " + layer + " in\n" + table.print());
    }

    @Test
    void leNet5ClassicHasExactly60000TrainableParameters() {
        Sequential lenet = LeNet5.classic();
        Table t = LayerTable.of(lenet, 1, 1, 32, 32);
        assertEquals(60_000, total(t, "parameters"), t.print());
        assertEquals(156, row(t, "C1", "parameters"));
        assertEquals(12, row(t, "S2", "parameters"));
        assertEquals(1_516, row(t, "C3", "parameters"));
        assertEquals(32, row(t, "S4", "parameters"));
        assertEquals(48_120, row(t, "C5", "parameters"));
        assertEquals(10_164, row(t, "F6", "parameters"));
        assertEquals(0, row(t, "output", "parameters"), "the RBF codes are fixed");
        assertArrayEquals(new long[]{1, 10}, lenet.outputShape(new long[]{1, 1, 32, 32}));
    }

    @Test
    void leNet5ModernRunsOnFashionMnistSizedImages() {
        Sequential lenet = LeNet5.modern();
        assertEquals(61_706, lenet.parameterCount());
        INDArray out = lenet.forward(Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28));
        assertArrayEquals(new long[]{4, 10}, out.shape());
    }

    @Test
    void alexNetOriginalHas60965224ParametersAnd724MillionMultiplyAdds() {
        Table t = LayerTable.of(AlexNet.original(), 1, 3, 227, 227);
        assertEquals(60_965_224, total(t, "parameters"), t.print());
        // conv1..conv5 + fc6..fc8, one multiply-add per weight per output position (biases not counted):
        // 105,415,200 + 223,948,800 + 149,520,384 + 112,140,288 + 74,760,192 + 37,748,736 + 16,777,216 + 4,096,000
        assertEquals(724_406_816L, total(t, "multiply-adds"), t.print());
        assertEquals(223_948_800L, row(t, "conv2", "multiply-adds"), "grouped: each filter sees 48 channels");
        assertArrayEquals(new long[]{1, 1000}, AlexNet.original().outputShape(new long[]{1, 3, 227, 227}));
    }

    @Test
    void singleTowerAlexNetForOneChannel224AndTenClasses() {
        Sequential alex = AlexNet.singleTower(1, 224, 10);
        Table t = LayerTable.of(alex, 1, 1, 224, 224);
        assertEquals(46_764_746, total(t, "parameters"), t.print());
        assertEquals(6400 * 4096 + 4096, row(t, "fc6", "parameters"), "Linear(6400, 4096)");
    }

    @Test
    void singleTowerConvWeightsWithThreeChannelsMatchThePaperTable() {
        Sequential alex = AlexNet.singleTower(3, 224, 1000);
        long[] expectedWeights = {34_848, 614_400, 884_736, 1_327_104, 884_736};
        for (int i = 0; i < 5; i++) {
            var conv = (Conv2d) alex.get("conv" + (i + 1));
            assertEquals(expectedWeights[i], conv.weight().value().length(), "conv" + (i + 1));
        }
    }

    @Test
    void aWrongInputShapeNamesTheFirstLayerThatCannotTakeIt() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> AlexNet.original().outputShape(new long[]{2, 1, 227, 227}));
        assertTrue(e.getMessage().contains("conv1"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 1, 227, 227]"), e.getMessage());
    }

    @Test
    void classicLeNetGradientCheckEndToEnd() {
        // The 1998 network up to F6, every block in one chain, in double precision. (The RBF output
        // layer has its own check: its outputs are squared distances near 100, whose rounding noise
        // would swamp a finite difference taken through the whole chain.)
        Sequential lenet = LeNet5.classic(7);
        Sequential upToF6 = new Sequential("LeNet-5 up to F6", lenet.layers().subList(0, lenet.layers().size() - 1));
        GradientCheck.check(upToF6, Nd4j.rand(DataType.DOUBLE, 2, 1, 32, 32).subi(0.5), 40);
    }

    @Test
    void theStepperWalksTheLayersAndReportsShapes() {
        Sequential lenet = LeNet5.modern();
        var stepper = lenet.stepper(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28));
        var first = stepper.next();
        assertEquals("conv1", first.layer().name());
        assertArrayEquals(new long[]{2, 6, 28, 28}, first.outputShape());
        stepper.runAll();
        assertEquals(lenet.layers().size(), stepper.steps().size());
        assertArrayEquals(new long[]{2, 10}, stepper.current().shape());
        assertTrue(stepper.toHtml().contains("fc3"));
        assertTrue(Arrays.stream(stepper.steps().get(0).toHtml().split("\n")).anyMatch(l -> l.contains("data:image/png;base64,")));
    }
}
