package io.github.alexlab.models;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.EuclideanRbf;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Init;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.MaxPool2d;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.nn.Subsampling;
import io.github.alexlab.nn.Tanh;

/**
 * LeNet-5: LeCun, Bottou, Bengio and Haffner, "Gradient-Based Learning Applied to Document
 * Recognition", Proc. IEEE 1998. Read it next to Figure 2 and Table I of the paper.
 */
public final class LeNet5 {
    private LeNet5() {
    }

    /**
     * C3's partial connection table (Table I): which of S2's 6 maps each of C3's 16 maps sees.
     * Maps 0-5 see 3 neighbouring maps, 6-11 see 4 neighbouring, 12-14 see 4 non-neighbouring and
     * map 15 sees all 6. The paper's reasons: fewer connections (1,516 parameters instead of
     * 2,416), and broken symmetry, so that the maps are forced to learn different features.
     */
    public static final int[][] C3_INPUTS = {
            {0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 0}, {5, 0, 1},
            {0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 0}, {4, 5, 0, 1}, {5, 0, 1, 2},
            {0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5},
            {0, 1, 2, 3, 4, 5}};

    /** {@link #C3_INPUTS} as the table[out][in] that {@link Conv2d#connections} takes. */
    public static boolean[][] c3Table() {
        boolean[][] table = new boolean[16][6];
        for (int out = 0; out < 16; out++)
            for (int in : C3_INPUTS[out])
                table[out][in] = true;
        return table;
    }

    /**
     * The 1998 network: 32x32 input (28x28 digits padded by 2), exactly 60,000 trainable
     * parameters: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164. Every layer up to F6 is
     * followed by the scaled tanh 1.7159 tanh(2a/3); S2 and S4 are trainable subsampling (a 2x2
     * sum times a learned coefficient plus a learned bias). The output layer is 10 Euclidean RBF
     * units with fixed codes ({@link EuclideanRbf}): no trainable parameters. Weights start
     * uniform in +-2.4/F (F = fan-in), as in the paper's appendix.
     */
    public static Sequential classic() {
        return classic(1998);
    }

    public static Sequential classic(long seed) {
        Init lecun = Init.lecunUniform(), zero = Init.constant(0);
        return new Sequential("LeNet-5 (1998)",
                new Conv2d("C1", 1, 6, 5).initialize(lecun, zero, seed + 1),
                Tanh.lecun("C1 tanh"),
                new Subsampling("S2", 6).initialize(lecun, zero, seed + 2),
                Tanh.lecun("S2 tanh"),
                new Conv2d("C3", 6, 16, 5).connections(c3Table()).initialize(lecun, zero, seed + 3),
                Tanh.lecun("C3 tanh"),
                new Subsampling("S4", 16).initialize(lecun, zero, seed + 4),
                Tanh.lecun("S4 tanh"),
                new Conv2d("C5", 16, 120, 5).initialize(lecun, zero, seed + 5),
                Tanh.lecun("C5 tanh"),
                new Flatten("flatten"),
                new Linear("F6", 120, 84).initialize(lecun, zero, seed + 6),
                Tanh.lecun("F6 tanh"),
                new EuclideanRbf("output", 84, 10, seed + 7));
    }

    /**
     * LeNet-5 as it is usually written today: ReLU, max-pooling, full connections in C3 and a plain
     * linear output layer; 28x28 input (conv1 pads by 2, so Fashion-MNIST goes in as it is), He
     * initialisation; 61,706 parameters.
     */
    public static Sequential modern() {
        return modern(10, 1998);
    }

    public static Sequential modern(int classes, long seed) {
        Init he = Init.he(), zero = Init.constant(0);
        return new Sequential("LeNet-5 (modern)",
                new Conv2d("conv1", 1, 6, 5, 1, 2, 1).initialize(he, zero, seed + 1),
                new ReLU("relu1"),
                new MaxPool2d("pool1", 2, 2),
                new Conv2d("conv2", 6, 16, 5).initialize(he, zero, seed + 2),
                new ReLU("relu2"),
                new MaxPool2d("pool2", 2, 2),
                new Flatten("flatten"),
                new Linear("fc1", 16 * 5 * 5, 120).initialize(he, zero, seed + 3),
                new ReLU("relu3"),
                new Linear("fc2", 120, 84).initialize(he, zero, seed + 4),
                new ReLU("relu4"),
                new Linear("fc3", 84, classes).initialize(Init.xavier(), zero, seed + 5));
    }
}
