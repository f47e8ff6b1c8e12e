package io.github.alexlab.models;

import io.github.alexlab.data.HorizontalFlip;
import io.github.alexlab.data.ImageTransform;
import io.github.alexlab.data.RandomCrop;
import io.github.alexlab.data.Resize;
import io.github.alexlab.nn.AvgPool2d;
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
import io.github.alexlab.nn.Tanh;

import java.util.ArrayList;
import java.util.List;

/**
 * The walk from LeNet-5 (1998) to AlexNet (2012) on Fashion-MNIST, one change at a time, each step
 * keeping all the changes before it. AlexNet's paper names them (Krizhevsky, Sutskever and Hinton
 * 2012, sections 3 and 4): ReLU (3.1), local response normalisation (3.3), overlapping pooling (3.4),
 * a wider and deeper stack (3.5), data augmentation (4.1), dropout (4.2) and 224x224 inputs.
 * <p>
 * Every network is assembled by {@link #network}: read it to see where each change enters. Sizes
 * are scaled to 28x28 grey images and a CPU budget (AlexNet's widths are 96-384 channels and 4096
 * units); the order of the changes and their kind are AlexNet's.
 */
public final class LeNetToAlexNet {
    private LeNetToAlexNet() {
    }

    /** Which of AlexNet's changes a network has. */
    public record Changes(boolean relu, boolean maxPool, boolean overlappingPool, boolean wider, boolean deeper,
                          boolean dropout, boolean responseNorm, boolean augmentation, boolean largerInput) {
    }

    /** One step of the walk: its name, what it changes and why, and the network with every change so far. */
    public record Step(int number, String name, String change, Changes changes) {
        /** A freshly initialised network for this step (the same seed gives the same start). */
        public Sequential model() {
            return network(name, changes, 2012);
        }

        /** The side of the square images this step's network takes: 28, or 56 with the larger input. */
        public int imageSize() {
            return changes.largerInput() ? 56 : 28;
        }

        /** One image's shape, [1, 1, size, size], for summaries and multiply-add counts. */
        public long[] inputShape() {
            return new long[]{1, 1, imageSize(), imageSize()};
        }

        /** What the training images go through: resizing, then (with augmentation) random shifts and flips. */
        public ImageTransform[] trainTransforms() {
            List<ImageTransform> transforms = new ArrayList<>(List.of(testTransforms()));
            if (changes.augmentation()) {
                transforms.add(new RandomCrop(imageSize(), imageSize() / 7)); // shifts of up to 4 pixels at 28
                transforms.add(new HorizontalFlip(0.5));
            }
            return transforms.toArray(ImageTransform[]::new);
        }

        /** What the test images go through: only the resizing; tests are never augmented. */
        public ImageTransform[] testTransforms() {
            return changes.largerInput() ? new ImageTransform[]{new Resize(imageSize())} : new ImageTransform[0];
        }

        @Override
        public String toString() {
            return number + ". " + name + ": " + change;
        }
    }

    /** The ten steps, from LeNet-5 to a small AlexNet: step n has the first n changes. */
    public static List<Step> steps() {
        return List.of(
                new Step(0, "LeNet-5", "tanh units, average pooling, 6 and 16 feature maps (LeCun et al. 1998)", firstChanges(0)),
                new Step(1, "+ ReLU", "max(0, x) instead of tanh, with He initialisation: gradients do not shrink in saturated units (AlexNet 3.1)", firstChanges(1)),
                new Step(2, "+ max-pool", "the largest value of each 2x2 window instead of the average", firstChanges(2)),
                new Step(3, "+ overlapping pool", "3x3 windows every 2 pixels, so neighbouring windows overlap (AlexNet 3.4)", firstChanges(3)),
                new Step(4, "+ wider", "16 and 32 feature maps instead of 6 and 16, 256 hidden units instead of 120 and 84", firstChanges(4)),
                new Step(5, "+ deeper", "five convolutions instead of two: three 3x3 layers after the second pooling (AlexNet's conv3-conv5)", firstChanges(5)),
                new Step(6, "+ dropout", "half of the hidden units of the first two fully connected layers dropped at random in training (AlexNet 4.2)", firstChanges(6)),
                new Step(7, "+ LRN", "local response normalisation after the first two ReLUs (AlexNet 3.3)", firstChanges(7)),
                new Step(8, "+ augmentation", "random shifts of up to 4 pixels and left-right flips of the training images (AlexNet 4.1)", firstChanges(8)),
                new Step(9, "+ larger input", "images upscaled to 56x56 and an 11x11 first layer with stride 2, as AlexNet's 11x11 stride 4 on 224x224", firstChanges(9)));
    }

    /** The first {@code n} changes, in the order of {@link Changes}' components. */
    private static Changes firstChanges(int n) {
        return new Changes(n >= 1, n >= 2, n >= 3, n >= 4, n >= 5, n >= 6, n >= 7, n >= 8, n >= 9);
    }

    /** The network with the given changes, for 28x28 images (56x56 with the larger input) and 10 classes. */
    public static Sequential network(String name, Changes c, long seed) {
        Init init = c.relu() ? Init.he() : Init.xavier(), zero = Init.constant(0);
        int maps1 = c.wider() ? 16 : 6, maps2 = c.wider() ? 32 : 16;
        int poolSize = c.overlappingPool() ? 3 : 2; // stride 2 either way
        List<Layer> layers = new ArrayList<>();

        // Block 1: 28x28 -> 28x28 maps (padding 2 keeps the size; the larger input's stride 2 halves 56).
        layers.add(c.largerInput()
                ? new Conv2d("conv1", 1, maps1, 11, 2, 5, 1).initialize(init, zero, seed + 1)
                : new Conv2d("conv1", 1, maps1, 5, 1, 2, 1).initialize(init, zero, seed + 1));
        layers.add(activation(c, "1"));
        if (c.responseNorm())
            layers.add(new LocalResponseNorm("norm1"));
        layers.add(pool(c, "pool1", poolSize));

        // Block 2: LeNet's second convolution has no padding; the deeper stack pads to keep room for three more.
        layers.add(new Conv2d("conv2", maps1, maps2, 5, 1, c.deeper() ? 2 : 0, 1).initialize(init, zero, seed + 2));
        layers.add(activation(c, "2"));
        if (c.responseNorm())
            layers.add(new LocalResponseNorm("norm2"));
        layers.add(pool(c, "pool2", poolSize));

        // Blocks 3-5 (deeper): three 3x3 convolutions on the small maps, then one more pooling.
        if (c.deeper()) {
            layers.add(new Conv2d("conv3", maps2, 48, 3, 1, 1, 1).initialize(init, zero, seed + 3));
            layers.add(activation(c, "3"));
            layers.add(new Conv2d("conv4", 48, 48, 3, 1, 1, 1).initialize(init, zero, seed + 4));
            layers.add(activation(c, "4"));
            layers.add(new Conv2d("conv5", 48, 32, 3, 1, 1, 1).initialize(init, zero, seed + 5));
            layers.add(activation(c, "5"));
            layers.add(pool(c, "pool5", poolSize));
        }
        layers.add(new Flatten("flatten"));

        // The classifier: the width of fc1 follows from the feature maps, so run the shape rules.
        long[] shape = {1, 1, c.largerInput() ? 56 : 28, c.largerInput() ? 56 : 28};
        for (Layer layer : layers)
            shape = layer.outputShape(shape);
        int features = (int) shape[1], hidden1 = c.wider() ? 256 : 120, hidden2 = c.wider() ? 256 : 84;
        layers.add(new Linear("fc1", features, hidden1).initialize(init, zero, seed + 7));
        layers.add(activation(c, "fc1"));
        if (c.dropout()) // as AlexNet's fc6 and fc7: their outputs are dropped
            layers.add(new Dropout("drop1", 0.5, seed + 6));
        layers.add(new Linear("fc2", hidden1, hidden2).initialize(init, zero, seed + 9));
        layers.add(activation(c, "fc2"));
        if (c.dropout())
            layers.add(new Dropout("drop2", 0.5, seed + 8));
        layers.add(new Linear("fc3", hidden2, 10).initialize(Init.xavier(), zero, seed + 10));
        return new Sequential(name, layers);
    }

    private static Layer activation(Changes c, String where) {
        return c.relu() ? new ReLU("relu" + where) : new Tanh("tanh" + where);
    }

    private static Layer pool(Changes c, String name, int size) {
        return c.maxPool() ? new MaxPool2d(name, size, 2) : new AvgPool2d(name, size, 2);
    }
}
