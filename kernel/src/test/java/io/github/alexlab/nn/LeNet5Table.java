package io.github.alexlab.nn;

/** LeNet-5's C3 connection table (LeCun et al. 1998, Table I), as table[output map][input map]. */
final class LeNet5Table {
    static final boolean[][] C3 = new boolean[16][6];

    static {
        // Maps 0-5: 3 contiguous inputs; 6-11: 4 contiguous; 12-14: 4 not contiguous; 15: all 6.
        int[][] inputs = {
                {0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 0}, {5, 0, 1},
                {0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 0}, {4, 5, 0, 1}, {5, 0, 1, 2},
                {0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5},
                {0, 1, 2, 3, 4, 5}};
        for (int out = 0; out < 16; out++)
            for (int in : inputs[out])
                C3[out][in] = true;
    }

    private LeNet5Table() {
    }
}
