package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * Random crops: each image is padded with {@code padding} zeros on every side and a
 * {@code size x size} window is cut out at a random place. AlexNet trained on random 224x224
 * crops of 256x256 images (2012 section 4.1); with padding 4 and size 28 on Fashion-MNIST the
 * image is shifted by up to 4 pixels each way.
 */
public final class RandomCrop implements ImageTransform {
    private final int size;
    private final int padding;

    public RandomCrop(int size, int padding) {
        if (size < 1 || padding < 0)
            throw new IllegalArgumentException("RandomCrop: size must be >= 1 and padding >= 0, got size "
                    + size + ", padding " + padding);
        this.size = size;
        this.padding = padding;
    }

    @Override
    public INDArray apply(INDArray batch, Random rng) {
        Images.checkBatch("RandomCrop", batch);
        int b = (int) batch.size(0), c = (int) batch.size(1);
        int h = (int) batch.size(2), w = (int) batch.size(3);
        if (size > h + 2 * padding || size > w + 2 * padding)
            throw new IllegalArgumentException("RandomCrop: a " + size + "x" + size + " crop does not fit in "
                    + h + "x" + w + " images padded by " + padding);

        float[] in = Images.values(batch);
        float[] out = new float[b * c * size * size]; // zeros: what lies in the padding
        for (int i = 0; i < b; i++) {
            // the window's top-left corner in padded coordinates; the same for all channels
            int top = rng.nextInt(h + 2 * padding - size + 1);
            int left = rng.nextInt(w + 2 * padding - size + 1);
            for (int ch = 0; ch < c; ch++) {
                int inBase = (i * c + ch) * h * w, outBase = (i * c + ch) * size * size;
                for (int y = 0; y < size; y++) {
                    int sy = y + top - padding;
                    if (sy < 0 || sy >= h) continue;
                    for (int x = 0; x < size; x++) {
                        int sx = x + left - padding;
                        if (sx >= 0 && sx < w) out[outBase + y * size + x] = in[inBase + sy * w + sx];
                    }
                }
            }
        }
        return Images.array(out, b, c, size, size);
    }

    @Override
    public String toString() {
        return "RandomCrop(" + size + ", padding " + padding + ")";
    }
}
