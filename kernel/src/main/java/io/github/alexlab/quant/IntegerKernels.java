package io.github.alexlab.quant;

import java.util.stream.IntStream;

/**
 * The integer arithmetic of a quantized network, written out in plain loops on purpose: 8-bit codes
 * multiplied and summed into 32-bit integers, exactly, with no rounding anywhere until the sum is
 * rescaled. (Hardware does the same with one instruction for several products: VNNI's vpdpbusd on
 * x86, DP4A and the integer tensor cores on NVIDIA GPUs.)
 */
public final class IntegerKernels {
    private IntegerKernels() {
    }

    /**
     * C = A B with A [m, k] and B [k, n] row-major int8 codes; C [m, n] in int32. The sums are exact: each
     * product is at most 127 x 127 = 16,129, so 2^31 / 16,129 = 133,000 of them fit in an int; wider layers
     * are refused rather than wrapped around.
     */
    public static int[] gemm(byte[] a, byte[] b, int m, int k, int n) {
        if (a.length != (long) m * k || b.length != (long) k * n)
            throw new IllegalArgumentException("gemm: A must have " + m + " x " + k + " codes and B " + k + " x " + n
                    + "; got " + a.length + " and " + b.length);
        if (k > 133_000)
            throw new IllegalArgumentException("gemm: k = " + k + " products could overflow a 32-bit sum");
        int[] c = new int[m * n];
        // One row of C per task; within it the i-k-j order walks B's rows and C's row in a straight line.
        IntStream.range(0, m).parallel().forEach(i -> {
            int rowOfC = i * n;
            for (int p = 0; p < k; p++) {
                int aip = a[i * k + p];
                if (aip == 0)
                    continue; // a zero code adds nothing (ReLU's zeros are common)
                int rowOfB = p * n;
                for (int j = 0; j < n; j++)
                    c[rowOfC + j] += aip * b[rowOfB + j];
            }
        });
        return c;
    }

    /**
     * The patches of a batch of int8 images [N, C, H, W] as columns: row (c, u, v), column (n, i, j) holds
     * x[n, c, i*stride + u - padding, j*stride + v - padding], or 0 in the padding (the code of real 0).
     * The result is [C*k*k, N*oH*oW], so that a convolution is one matrix product with the filters [O, C*k*k].
     */
    public static byte[] im2col(byte[] x, int n, int channels, int height, int width, int k, int stride, int padding) {
        int outH = (height + 2 * padding - k) / stride + 1, outW = (width + 2 * padding - k) / stride + 1;
        int columns = n * outH * outW;
        byte[] cols = new byte[channels * k * k * columns];
        IntStream.range(0, channels).parallel().forEach(c -> {
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++) {
                    int row = (c * k + u) * k + v;
                    for (int img = 0; img < n; img++)
                        for (int i = 0; i < outH; i++) {
                            int y = i * stride + u - padding;
                            if (y < 0 || y >= height)
                                continue; // stays 0
                            int dst = row * columns + (img * outH + i) * outW, src = ((img * channels + c) * height + y) * width;
                            for (int j = 0; j < outW; j++) {
                                int xx = j * stride + v - padding;
                                if (xx >= 0 && xx < width)
                                    cols[dst + j] = x[src + xx];
                            }
                        }
                }
        });
        return cols;
    }
}
