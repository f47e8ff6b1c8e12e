package io.github.alexlab.models;

import io.github.alexlab.nn.AvgPool2d;
import io.github.alexlab.nn.Dropout;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.LocalResponseNorm;
import io.github.alexlab.nn.MaxPool2d;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.nn.Tanh;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LeNetToAlexNetTest {
    private static long count(Sequential net, Class<? extends Layer> kind) {
        return net.layers().stream().filter(kind::isInstance).count();
    }

    @Test
    void eachStepAddsItsChangeAndKeepsTheOnesBefore() {
        List<LeNetToAlexNet.Step> steps = LeNetToAlexNet.steps();
        assertEquals(10, steps.size());
        Sequential lenet = steps.get(0).model();
        assertEquals(61_706, lenet.parameterCount(), "step 0 has LeNet5.modern()'s shape: the same parameters");
        assertEquals(LeNet5.modern().multiplyAdds(new long[]{1, 1, 28, 28}), lenet.multiplyAdds(new long[]{1, 1, 28, 28}));
        assertEquals(4, count(lenet, Tanh.class));
        assertEquals(2, count(lenet, AvgPool2d.class));

        Sequential relu = steps.get(1).model();
        assertEquals(0, count(relu, Tanh.class));
        assertEquals(4, count(relu, ReLU.class));
        assertEquals(2, count(steps.get(2).model(), MaxPool2d.class));
        assertEquals(3, ((MaxPool2d) steps.get(3).model().get("pool1")).kernelSize(), "overlapping: 3x3 windows, stride 2");
        assertTrue(steps.get(4).model().parameterCount() > 3 * lenet.parameterCount(), "wider");
        assertEquals(7, count(steps.get(5).model(), ReLU.class), "deeper: five convolutions and two hidden layers");
        assertEquals(2, count(steps.get(6).model(), Dropout.class));
        assertEquals(2, count(steps.get(7).model(), LocalResponseNorm.class));
        assertEquals(2, count(steps.get(9).model(), Dropout.class), "the last step keeps every change");
        assertEquals(0, steps.get(7).trainTransforms().length);
        assertEquals(2, steps.get(8).trainTransforms().length, "random crop and flip");
        assertEquals(0, steps.get(8).testTransforms().length, "test images are never augmented");
        assertEquals(56, steps.get(9).imageSize());
    }

    @Test
    void everyStepRunsForwardAndBackwardOnItsOwnImages() {
        Random rng = new Random(1);
        for (LeNetToAlexNet.Step step : LeNetToAlexNet.steps()) {
            Sequential net = step.model();
            INDArray images = Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28);
            for (var t : step.trainTransforms())
                images = t.apply(images, rng);
            assertArrayEquals(new long[]{3, 1, step.imageSize(), step.imageSize()}, images.shape(), step.toString());
            net.train(true);
            INDArray out = net.forward(images);
            assertArrayEquals(new long[]{3, 10}, out.shape(), step.toString());
            net.backwardToParameters(Nd4j.ones(DataType.FLOAT, 3, 10));
            assertTrue(net.multiplyAdds(step.inputShape()) > 0);
        }
        assertEquals(step(9).model().multiplyAdds(step(9).inputShape()) > step(8).model().multiplyAdds(step(8).inputShape()), true,
                "the larger input costs more");
    }

    private static LeNetToAlexNet.Step step(int i) {
        return LeNetToAlexNet.steps().get(i);
    }
}
