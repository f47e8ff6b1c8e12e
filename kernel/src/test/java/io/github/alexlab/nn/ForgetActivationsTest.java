package io.github.alexlab.nn;

import io.github.alexlab.models.AlexNet;
import io.github.alexlab.models.LeNet5;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


import static org.junit.jupiter.api.Assertions.*;

/** After forgetActivations a block holds nothing of its last forward: a backward asks for a forward first. */
class ForgetActivationsTest {
    @Test
    void everyBlockOfTheCourseNetworksLetsGoOfItsLastForward() {
        check(LeNet5.classic(), 1, 32);
        check(LeNet5.modern(), 1, 28);
        check(AlexNet.original(), 3, 227);
    }

    private static void check(Sequential net, int channels, int size) {
        net.train(true); // dropout keeps its mask too
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, channels, size, size);
        for (Layer block : Sequential.blocksOf(net)) {
            INDArray y = block.forward(x);
            INDArray gradient = Nd4j.rand(DataType.FLOAT, y.shape());
            assertNotNull(block.backward(gradient), block.name() + ": backward right after forward");
            block.forward(x);
            block.forgetActivations();
            if (!(block instanceof Flatten)) { // Flatten keeps a shape, not an array
                var e = assertThrows(IllegalStateException.class, () -> block.backward(gradient), block.name());
                assertTrue(e.getMessage().contains(block.name() + ": backward before forward"), e.getMessage());
            }
            x = y;
        }
        net.train(false); // no dropout: the same scores twice
        INDArray images = Nd4j.rand(DataType.FLOAT, 2, channels, size, size);
        INDArray scores = net.forward(images);
        net.forgetActivations(); // the whole network, through Sequential
        assertThrows(IllegalStateException.class, () -> net.backward(Nd4j.onesLike(scores)));
        assertEquals(scores, net.forward(images), "forgetting changes no weight");
        assertNotNull(net.backward(Nd4j.onesLike(scores)), "a new forward makes backward work again");
    }
}
