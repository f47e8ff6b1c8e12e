package io.github.alexlab.models;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Dropout;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Init;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.LocalResponseNorm;
import io.github.alexlab.nn.MaxPool2d;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * AlexNet: Krizhevsky, Sutskever and Hinton, "ImageNet Classification with Deep Convolutional
 * Neural Networks", NIPS 2012. Read it next to Figure 2 of the paper.
 * <p>
 * In 2012 the network did not fit on one GTX 580 (3 GB), so it was split over two GPUs: every layer
 * has two halves ("towers"), and conv2, conv4 and conv5 only see the half of the previous layer on
 * their own GPU. A grouped convolution with groups = 2 computes exactly that, on one device.
 */
public final class AlexNet {
    private AlexNet() {
    }

    /**
     * The 2012 network: 227x227x3 input (the paper says 224; 227 is what makes the arithmetic of
     * conv1 work), 1000 classes, 60,965,224 parameters. Initialisation as in section 5: weights
     * N(0, 0.01^2); biases 1 in conv2, conv4, conv5 and the hidden fully connected layers (so that
     * the ReLUs start with positive inputs), 0 elsewhere.
     */
    public static Sequential original() {
        return original(1000, 2012);
    }

    /** The 2012 network with another number of classes, seeded. */
    public static Sequential original(int classes, long seed) {
        Init weights = Init.gaussian(0.01);
        Init zero = Init.constant(0), one = Init.constant(1);
        return new Sequential("AlexNet (2012, two towers)",
                new Conv2d("conv1", 3, 96, 11, 4, 0, 1).initialize(weights, zero, seed + 1),
                new ReLU("relu1"),
                new LocalResponseNorm("norm1"),
                new MaxPool2d("pool1", 3, 2),
                new Conv2d("conv2", 96, 256, 5, 1, 2, 2).initialize(weights, one, seed + 2),
                new ReLU("relu2"),
                new LocalResponseNorm("norm2"),
                new MaxPool2d("pool2", 3, 2),
                new Conv2d("conv3", 256, 384, 3, 1, 1, 1).initialize(weights, zero, seed + 3), // talks across GPUs
                new ReLU("relu3"),
                new Conv2d("conv4", 384, 384, 3, 1, 1, 2).initialize(weights, one, seed + 4),
                new ReLU("relu4"),
                new Conv2d("conv5", 384, 256, 3, 1, 1, 2).initialize(weights, one, seed + 5),
                new ReLU("relu5"),
                new MaxPool2d("pool5", 3, 2),
                new Flatten("flatten"),
                new Linear("fc6", 256 * 6 * 6, 4096).initialize(weights, one, seed + 7),
                new ReLU("relu6"),
                new Dropout("drop6", 0.5, seed + 6), // section 4.2: dropout on the outputs of fc6 and fc7
                new Linear("fc7", 4096, 4096).initialize(weights, one, seed + 9),
                new ReLU("relu7"),
                new Dropout("drop7", 0.5, seed + 8),
                new Linear("fc8", 4096, classes).initialize(weights, zero, seed + 10));
    }

    /**
     * The one-GPU AlexNet: the same layers with both towers merged (no groups), for
     * {@code channels} x {@code size} x {@code size} images and {@code classes} classes. Modern
     * initialisation (He et al. 2015 for the ReLU layers, zero biases). For 1x224x224 and 10
     * classes, the features that reach fc6 are 256 x 5 x 5 = 6400 and the model has 46,764,746
     * parameters.
     */
    public static Sequential singleTower(int channels, int size, int classes) {
        return singleTower(channels, size, classes, 2012);
    }

    public static Sequential singleTower(int channels, int size, int classes, long seed) {
        Init he = Init.he(), zero = Init.constant(0);
        List<Layer> features = List.of(
                new Conv2d("conv1", channels, 96, 11, 4, 0, 1).initialize(he, zero, seed + 1),
                new ReLU("relu1"),
                new LocalResponseNorm("norm1"),
                new MaxPool2d("pool1", 3, 2),
                new Conv2d("conv2", 96, 256, 5, 1, 2, 1).initialize(he, zero, seed + 2),
                new ReLU("relu2"),
                new LocalResponseNorm("norm2"),
                new MaxPool2d("pool2", 3, 2),
                new Conv2d("conv3", 256, 384, 3, 1, 1, 1).initialize(he, zero, seed + 3),
                new ReLU("relu3"),
                new Conv2d("conv4", 384, 384, 3, 1, 1, 1).initialize(he, zero, seed + 4),
                new ReLU("relu4"),
                new Conv2d("conv5", 384, 256, 3, 1, 1, 1).initialize(he, zero, seed + 5),
                new ReLU("relu5"),
                new MaxPool2d("pool5", 3, 2),
                new Flatten("flatten"));
        // The width of fc6 follows from the image size: run the shape rules, not the arithmetic by hand.
        long[] shape = {1, channels, size, size};
        for (Layer layer : features)
            shape = layer.outputShape(shape);
        int flattened = (int) shape[1];
        List<Layer> all = new ArrayList<>(features);
        all.addAll(List.of(
                new Linear("fc6", flattened, 4096).initialize(he, zero, seed + 7),
                new ReLU("relu6"),
                new Dropout("drop6", 0.5, seed + 6),
                new Linear("fc7", 4096, 4096).initialize(he, zero, seed + 9),
                new ReLU("relu7"),
                new Dropout("drop7", 0.5, seed + 8),
                new Linear("fc8", 4096, classes).initialize(Init.xavier(), zero, seed + 10)));
        return new Sequential("AlexNet (one tower, " + channels + "x" + size + "x" + size + ", " + classes + " classes)", all);
    }
}
