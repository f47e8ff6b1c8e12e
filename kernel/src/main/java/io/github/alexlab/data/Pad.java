package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Random;

/**
 * A border of {@code padding} pixels of one value around every image: LeNet-5 (1998) took 32x32
 * inputs, the 28x28 digits padded by 2, so that strokes reach the centre of the top feature
 * detectors' receptive fields (section II.B).
 */
public final class Pad implements ImageTransform {
    private final int padding;
    private final float value;

    /** Pads with zeros: the black background of (Fashion-)MNIST images in [0, 1]. */
    public Pad(int padding) {
        this(padding, 0);
    }

    public Pad(int padding, double value) {
        if (padding < 0)
            throw new IllegalArgumentException("Pad: padding must be >= 0, got " + padding);
        this.padding = padding;
        this.value = (float) value;
    }

    @Override
    public INDArray apply(INDArray batch, Random rng) {
        Images.checkBatch("Pad", batch);
        int b = (int) batch.size(0), c = (int) batch.size(1), h = (int) batch.size(2), w = (int) batch.size(3);
        int outH = h + 2 * padding, outW = w + 2 * padding;
        float[] in = Images.values(batch);
        float[] out = new float[b * c * outH * outW];
        Arrays.fill(out, value);
        for (int image = 0; image < b * c; image++)
            for (int y = 0; y < h; y++)
                System.arraycopy(in, (image * h + y) * w, out, (image * outH + y + padding) * outW + padding, w);
        return Images.array(out, b, c, outH, outW);
    }

    @Override
    public String toString() {
        return "Pad(" + padding + (value == 0 ? "" : ", value " + value) + ")";
    }
}
