package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * Bilinear resizing to {@code size x size}, e.g. 28 to 32 for the classic LeNet-5 input or to
 * 224 for AlexNet. Pixel centres are matched (output pixel x sits at input position
 * (x + 0.5) * in/out - 0.5, clamped to the image), the convention of PyTorch's
 * {@code align_corners=False}: the corner pixels keep their values and a constant image stays
 * constant.
 */
public final class Resize implements ImageTransform {
    private final int size;

    public Resize(int size) {
        if (size < 1) throw new IllegalArgumentException("Resize: size must be >= 1, got " + size);
        this.size = size;
    }

    @Override
    public INDArray apply(INDArray batch, Random rng) {
        Images.checkBatch("Resize", batch);
        int b = (int) batch.size(0), c = (int) batch.size(1);
        int inH = (int) batch.size(2), inW = (int) batch.size(3);
        if (inH == size && inW == size) return batch;

        float[] in = Images.values(batch);
        float[] out = new float[b * c * size * size];
        // The four neighbours and weights depend only on the output position: work them out once.
        int[] y0 = new int[size], y1 = new int[size], x0 = new int[size], x1 = new int[size];
        float[] wy = new float[size], wx = new float[size];
        sourcePositions(inH, y0, y1, wy);
        sourcePositions(inW, x0, x1, wx);

        for (int plane = 0; plane < b * c; plane++) {
            int inBase = plane * inH * inW, outBase = plane * size * size;
            for (int y = 0; y < size; y++) {
                int top = inBase + y0[y] * inW, bottom = inBase + y1[y] * inW;
                for (int x = 0; x < size; x++) {
                    float upper = in[top + x0[x]] * (1 - wx[x]) + in[top + x1[x]] * wx[x];
                    float lower = in[bottom + x0[x]] * (1 - wx[x]) + in[bottom + x1[x]] * wx[x];
                    out[outBase + y * size + x] = upper * (1 - wy[y]) + lower * wy[y];
                }
            }
        }
        return Images.array(out, b, c, size, size);
    }

    /** For each output index: the two input indices either side and the weight of the second. */
    private void sourcePositions(int inSize, int[] low, int[] high, float[] weight) {
        double scale = (double) inSize / size;
        for (int i = 0; i < size; i++) {
            double position = Math.max(0, Math.min(inSize - 1, (i + 0.5) * scale - 0.5));
            low[i] = (int) Math.floor(position);
            high[i] = Math.min(low[i] + 1, inSize - 1);
            weight[i] = (float) (position - low[i]);
        }
    }

    @Override
    public String toString() {
        return "Resize(" + size + ")";
    }
}
