package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * Mirrors each image left to right with probability {@code p}: a shirt seen in a mirror is still
 * a shirt. AlexNet used "horizontal reflections" with its crops (2012 section 4.1).
 */
public final class HorizontalFlip implements ImageTransform {
    private final double p;

    public HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("HorizontalFlip: p must be in [0, 1], got " + p);
        this.p = p;
    }

    @Override
    public INDArray apply(INDArray batch, Random rng) {
        Images.checkBatch("HorizontalFlip", batch);
        int b = (int) batch.size(0), c = (int) batch.size(1);
        int h = (int) batch.size(2), w = (int) batch.size(3);
        float[] values = Images.values(batch);
        for (int i = 0; i < b; i++) {
            if (rng.nextDouble() >= p) continue; // this image stays as it is
            for (int row = 0; row < c * h; row++) {
                int start = (i * c * h + row) * w;
                for (int x = 0; x < w / 2; x++) {
                    float swap = values[start + x];
                    values[start + x] = values[start + w - 1 - x];
                    values[start + w - 1 - x] = swap;
                }
            }
        }
        return Images.array(values, b, c, h, w);
    }

    @Override
    public String toString() {
        return "HorizontalFlip(" + p + ")";
    }
}
