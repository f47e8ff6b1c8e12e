package io.github.alexlab.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rung of the ladder against a product computed in double, at sizes that hit every edge case. */
class MatmulLadderTest {
    interface Rung {
        void multiply(float[][] a, float[][] b, float[][] c);
    }

    static final Rung[] RUNGS = {MatmulLadder::naive, MatmulLadder::interchanged, MatmulLadder::transposedB,
            MatmulLadder::parallel, MatmulLadder::blocked, MatmulLadder.Simd::multiply};

    // 1 and 3: smaller than a vector; 17, 65, 130, 300: not multiples of the register block, the SIMD
    // panel, the tile sizes or the SIMD depth (256), so every edge path runs.
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 65, 130, 300})
    void everyRungMatchesTheProductInDouble(int n) {
        Random random = new Random(n);
        float[][] a = random(random, n), b = random(random, n);
        double[][] expected = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                for (int j = 0; j < n; j++)
                    expected[i][j] += (double) a[i][k] * b[k][j];
        for (int r = 0; r < RUNGS.length; r++) {
            float[][] c = new float[n][n];
            for (float[] row : c)
                Arrays.fill(row, 123f); // every rung must overwrite C, not add to it
            RUNGS[r].multiply(a, b, c);
            double error = 0, norm = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    error += (c[i][j] - expected[i][j]) * (c[i][j] - expected[i][j]);
                    norm += expected[i][j] * expected[i][j];
                }
            double relative = Math.sqrt(error / norm);
            assertTrue(relative < 1e-5, "rung " + (r + 1) + " at n = " + n + ": relative error " + relative);
        }
    }

    @Test
    void aKnownProduct() {
        float[][] a = {{1, 2}, {3, 4}}, b = {{5, 6}, {7, 8}}, c = new float[2][2];
        for (Rung rung : RUNGS) {
            rung.multiply(a, b, c);
            assertEquals(19f, c[0][0]);
            assertEquals(22f, c[0][1]);
            assertEquals(43f, c[1][0]);
            assertEquals(50f, c[1][1]);
        }
    }

    @Test
    void raggedOrMismatchedMatricesAreRejectedWithTheirShapes() {
        float[][] a = new float[4][4], c = new float[4][4];
        float[][] ragged = {new float[4], new float[4], new float[3], new float[4]};
        var e = assertThrows(IllegalArgumentException.class, () -> MatmulLadder.naive(a, ragged, c));
        assertTrue(e.getMessage().contains("B must be 4 x 4, but its row 2 has 3 floats"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> MatmulLadder.Simd.multiply(a, new float[5][5], c));
        assertTrue(f.getMessage().contains("A has 4 rows, B has 5"), f.getMessage());
    }

    static float[][] random(Random random, int n) {
        float[][] m = new float[n][n];
        for (float[] row : m)
            for (int j = 0; j < n; j++)
                row[j] = random.nextFloat() - 0.5f;
        return m;
    }
}
