package io.github.alexlab.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The matrix-multiply ladder, after Leiserson et al., "There's plenty of room at the top: What will
 * drive computer performance after Moore's law?", Science 368 (2020), Table 1. Each rung computes
 * C = A B for square n x n float matrices, held as Java arrays of rows ({@code float[n][n]}, as
 * in the paper's Java version), and each is one idea more than the rung before:
 * <ol>
 *   <li>{@link #naive}: the three loops of the textbook formula, i-j-k;</li>
 *   <li>{@link #interchanged}: the same loops as i-k-j, so the inner loop walks rows, not columns;</li>
 *   <li>{@link #transposedB}: B transposed first, so the i-j-k dot product walks rows of both;</li>
 *   <li>{@link #parallel}: the i-k-j loops, rows of C shared out over the cores;</li>
 *   <li>{@link #blocked}: i-k-j in tiles that stay in the cache while they are reused, on every core;</li>
 *   <li>{@link Simd#multiply}: tiles, plus a register-blocked kernel written with the Vector API, so every
 *       instruction is a fused multiply-add on 8 floats (AVX2) or 16 (AVX-512).</li>
 * </ol>
 * The fast library paths they are compared with (ND4J on OpenBLAS, cuBLAS) are in {@link Ladder}.
 * <p>
 * Every rung overwrites C. None allocates anything but the transposed copy of rung 3 and the packed
 * panels of rung 6, whose cost is part of the rung's time, as it would be in a library.
 */
public final class MatmulLadder {
    private MatmulLadder() {
    }

    /** Rung 1: C[i][j] = sum over k of A[i][k] B[k][j]. The inner loop jumps from row to row of B each step. */
    public static void naive(float[][] a, float[][] b, float[][] c) {
        int n = check(a, b, c);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int k = 0; k < n; k++)
                    sum += a[i][k] * b[k][j];
                c[i][j] = sum;
            }
    }

    /**
     * Rung 2: loop interchange. For each A[i][k], add A[i][k] times row k of B to row i of C. Every
     * array is now read in order, one cache line after the next, and the inner loop has no sum
     * carried from one step to the next, so the JIT compiles it to SIMD instructions by itself.
     */
    public static void interchanged(float[][] a, float[][] b, float[][] c) {
        int n = check(a, b, c);
        for (int i = 0; i < n; i++) {
            Arrays.fill(c[i], 0f);
            addRowTimesB(a[i], b, c[i], 0, n, 0, n);
        }
    }

    /**
     * Rung 3: transpose B, then every C[i][j] is a dot product of two rows read in order. The memory
     * walk is as good as rung 2's, but the sum is one chain of additions, and Java must add floats in
     * the order written: the JIT may not split the chain into SIMD lanes, so this is usually slower
     * than rung 2. (A C compiler with -ffast-math may.)
     */
    public static void transposedB(float[][] a, float[][] b, float[][] c) {
        int n = check(a, b, c);
        float[][] bt = new float[n][n];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                bt[j][k] = b[k][j];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int k = 0; k < n; k++)
                    sum += a[i][k] * bt[j][k];
                c[i][j] = sum;
            }
    }

    /** Rung 4: rung 2 with the rows of C shared out over all cores (rows are independent). */
    public static void parallel(float[][] a, float[][] b, float[][] c) {
        int n = check(a, b, c);
        IntStream.range(0, n).parallel().forEach(i -> {
            Arrays.fill(c[i], 0f);
            addRowTimesB(a[i], b, c[i], 0, n, 0, n);
        });
    }

    /** Tile sizes of rung 5: a tile of B (BLOCK_K x BLOCK_J floats = 128 KiB) stays in the L2 cache. */
    static final int BLOCK_I = 64, BLOCK_K = 128, BLOCK_J = 256;

    /**
     * Rung 5: cache blocking. Rung 4 streams all of B (n^2 floats, 16 MiB at n = 2048) from memory once
     * per row of C. Here each core takes a band of BLOCK_I rows and walks B in tiles of
     * BLOCK_K x BLOCK_J that fit in its cache, so every float of a tile is used BLOCK_I times per trip
     * from memory instead of once.
     */
    public static void blocked(float[][] a, float[][] b, float[][] c) {
        int n = check(a, b, c);
        IntStream.range(0, ceilDiv(n, BLOCK_I)).parallel().forEach(band -> {
            int i0 = band * BLOCK_I, i1 = Math.min(n, i0 + BLOCK_I);
            for (int i = i0; i < i1; i++)
                Arrays.fill(c[i], 0f);
            for (int k0 = 0; k0 < n; k0 += BLOCK_K)
                for (int j0 = 0; j0 < n; j0 += BLOCK_J)
                    for (int i = i0; i < i1; i++)
                        addRowTimesB(a[i], b, c[i], k0, Math.min(n, k0 + BLOCK_K), j0, Math.min(n, j0 + BLOCK_J));
        });
    }

    /**
     * Row i of C, columns j0..j1, plus A[i][k] times row k of B for k in [k0, k1): the i-k-j inner loops.
     * Both rows are indexed by the same j, which is what lets the JIT vectorize the loop.
     */
    private static void addRowTimesB(float[] aRow, float[][] b, float[] cRow, int k0, int k1, int j0, int j1) {
        for (int k = k0; k < k1; k++) {
            float aik = aRow[k];
            float[] bRow = b[k];
            for (int j = j0; j < j1; j++)
                cRow[j] += aik * bRow[j];
        }
    }

    /**
     * Rung 6: SIMD with the Vector API ({@code jdk.incubator.vector}; the JVM needs
     * {@code --add-modules jdk.incubator.vector}, which the kernel has). A class of its own, so that the
     * other rungs run on a JVM without that module.
     * <p>
     * The idea is the micro-kernel of BLIS and OpenBLAS: keep a ROWS x (2 vectors) block of C in
     * registers (4 x 16 floats with AVX2: 8 of the 16 vector registers) and, for each k, load two
     * vectors of B and broadcast one float of A per row: 8 fused multiply-adds for 2 loads. B is first
     * packed into panels of 2 vectors' width, so the kernel reads it in order; panels of DEPTH rows
     * (32 KiB with AVX2) stay in the L1/L2 cache while every row band of A passes over them.
     */
    public static final class Simd {
        static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
        static final int LANES = SPECIES.length(), PANEL = 2 * LANES, ROWS = 4, DEPTH = 256;

        private Simd() {
        }

        public static void multiply(float[][] a, float[][] b, float[][] c) {
            int n = check(a, b, c);
            int panels = ceilDiv(n, PANEL);
            float[] packed = new float[DEPTH * panels * PANEL];
            for (float[] row : c)
                Arrays.fill(row, 0f);
            for (int k0 = 0; k0 < n; k0 += DEPTH) {
                int depth = Math.min(DEPTH, n - k0), kStart = k0;
                packB(b, n, kStart, depth, packed);
                // Row bands of ROWS rows are independent: share them over the cores.
                IntStream.range(0, ceilDiv(n, ROWS)).parallel().forEach(band -> {
                    int i = band * ROWS;
                    for (int p = 0; p < panels; p++) {
                        int j = p * PANEL;
                        if (i + ROWS <= n && j + PANEL <= n)
                            kernel(a, packed, c, i, j, kStart, depth, p * DEPTH * PANEL);
                        else
                            edge(a, packed, c, n, i, j, kStart, depth, p * DEPTH * PANEL);
                    }
                });
            }
        }

        /** Rows kStart..kStart+depth of B as panels: panel p holds columns p*PANEL.. of every row, zero-padded. */
        private static void packB(float[][] b, int n, int kStart, int depth, float[] packed) {
            int panels = ceilDiv(n, PANEL);
            IntStream.range(0, panels).parallel().forEach(p -> {
                int j0 = p * PANEL, width = Math.min(PANEL, n - j0), base = p * DEPTH * PANEL;
                for (int k = 0; k < depth; k++) {
                    System.arraycopy(b[kStart + k], j0, packed, base + k * PANEL, width);
                    Arrays.fill(packed, base + k * PANEL + width, base + (k + 1) * PANEL, 0f);
                }
            });
        }

        /** C[i..i+4)[j..j+PANEL) += A[i..i+4)[kStart..) times the packed panel: 8 accumulators in registers. */
        private static void kernel(float[][] a, float[] panel, float[][] c, int i, int j, int kStart, int depth, int base) {
            float[] a0Row = a[i], a1Row = a[i + 1], a2Row = a[i + 2], a3Row = a[i + 3];
            FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
            FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
            FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
            FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
            for (int k = 0; k < depth; k++) {
                FloatVector b0 = FloatVector.fromArray(SPECIES, panel, base + k * PANEL);
                FloatVector b1 = FloatVector.fromArray(SPECIES, panel, base + k * PANEL + LANES);
                FloatVector a0 = FloatVector.broadcast(SPECIES, a0Row[kStart + k]);
                c00 = a0.fma(b0, c00);
                c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(SPECIES, a1Row[kStart + k]);
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(SPECIES, a2Row[kStart + k]);
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(SPECIES, a3Row[kStart + k]);
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
            }
            addInto(c[i], j, c00, c01);
            addInto(c[i + 1], j, c10, c11);
            addInto(c[i + 2], j, c20, c21);
            addInto(c[i + 3], j, c30, c31);
        }

        private static void addInto(float[] cRow, int offset, FloatVector left, FloatVector right) {
            FloatVector.fromArray(SPECIES, cRow, offset).add(left).intoArray(cRow, offset);
            FloatVector.fromArray(SPECIES, cRow, offset + LANES).add(right).intoArray(cRow, offset + LANES);
        }

        /** The last rows or columns when n is not a multiple of the block: plain loops over the same panel. */
        private static void edge(float[][] a, float[] panel, float[][] c, int n, int i, int j, int kStart, int depth, int base) {
            for (int r = i; r < Math.min(n, i + ROWS); r++)
                for (int col = j; col < Math.min(n, j + PANEL); col++) {
                    float sum = 0;
                    for (int k = 0; k < depth; k++)
                        sum += a[r][kStart + k] * panel[base + k * PANEL + (col - j)];
                    c[r][col] += sum;
                }
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** n, after checking that A, B and C are all n x n (every row, since Java arrays of rows may be ragged). */
    static int check(float[][] a, float[][] b, float[][] c) {
        int n = a.length;
        if (n == 0)
            throw new IllegalArgumentException("the ladder multiplies square n x n matrices with n >= 1; A has no rows");
        requireSquare("A", a, n);
        requireSquare("B", b, n);
        requireSquare("C", c, n);
        return n;
    }

    private static void requireSquare(String name, float[][] m, int n) {
        if (m.length != n)
            throw new IllegalArgumentException("the ladder multiplies square matrices of one size: A has " + n
                    + " rows, " + name + " has " + m.length);
        for (int r = 0; r < n; r++)
            if (m[r] == null || m[r].length != n)
                throw new IllegalArgumentException(name + " must be " + n + " x " + n + ", but its row " + r + " has "
                        + (m[r] == null ? "no array" : m[r].length + " floats"));
    }
}
