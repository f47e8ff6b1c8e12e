package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Random;

/**
 * {@code (x - mean) / std} per channel, so the inputs have roughly mean 0 and spread 1, which
 * keeps the first layer's activations in a good range. One value for all channels (Fashion-MNIST:
 * mean 0.2860, std 0.3530) or one per channel.
 */
public final class Normalize implements ImageTransform {
    private final double[] mean;
    private final double[] std;

    /** The same mean and standard deviation for every channel. */
    public Normalize(double mean, double std) {
        this(new double[]{mean}, new double[]{std});
    }

    /** One mean and standard deviation per channel. */
    public Normalize(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length)
            throw new IllegalArgumentException("Normalize: need as many means as standard deviations (at least one), got "
                    + mean.length + " and " + std.length);
        for (double s : std)
            if (!(s > 0)) throw new IllegalArgumentException("Normalize: standard deviations must be > 0, got " + Arrays.toString(std));
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public INDArray apply(INDArray batch, Random rng) {
        Images.checkBatch("Normalize", batch);
        int b = (int) batch.size(0), c = (int) batch.size(1);
        int h = (int) batch.size(2), w = (int) batch.size(3);
        if (mean.length != 1 && mean.length != c)
            throw new IllegalArgumentException("Normalize: has " + mean.length + " channel values, the images have " + c + " channels");
        float[] values = Images.values(batch);
        for (int i = 0; i < b; i++) {
            for (int ch = 0; ch < c; ch++) {
                double m = mean[mean.length == 1 ? 0 : ch], s = std[std.length == 1 ? 0 : ch];
                int base = (i * c + ch) * h * w;
                for (int k = base; k < base + h * w; k++) values[k] = (float) ((values[k] - m) / s);
            }
        }
        return Images.array(values, b, c, h, w);
    }

    @Override
    public String toString() {
        return "Normalize(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
