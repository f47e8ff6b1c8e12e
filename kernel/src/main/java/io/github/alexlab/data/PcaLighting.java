package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * AlexNet's colour augmentation (Krizhevsky, Sutskever and Hinton 2012, section 4.1): to each
 * RGB image add
 * <pre>
 *   [p1 p2 p3] [a1 l1, a2 l2, a3 l3]^T
 * </pre>
 * where p_i and l_i are the eigenvectors and eigenvalues of the 3x3 covariance of RGB pixel
 * values over the training set, and a_i ~ N(0, std) is drawn once per image (the paper used
 * std 0.1). Every pixel of a channel moves by the same amount: the image gets a little more or
 * less of each "natural" colour direction, as under different lighting.
 * <p>
 * The eigen-decomposition is the ImageNet one commonly quoted with this method (pixels scaled to
 * [0, 1]). Grey images have no colour to vary, so one channel is an error.
 */
public final class PcaLighting implements ImageTransform {
    /** Eigenvalues of the ImageNet RGB covariance. */
    static final double[] EIGENVALUES = {0.2175, 0.0188, 0.0045};
    /** Eigenvectors as columns: EIGENVECTORS[channel][i] is component "channel" of p_i. */
    static final double[][] EIGENVECTORS = {
            {-0.5675, 0.7192, 0.4009},
            {-0.5808, -0.0045, -0.8140},
            {-0.5836, -0.6948, 0.4203},
    };

    private final double std;

    public PcaLighting(double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("PcaLighting: std must be >= 0, got " + std);
        this.std = std;
    }

    @Override
    public INDArray apply(INDArray batch, Random rng) {
        Images.checkBatch("PcaLighting", batch);
        int b = (int) batch.size(0), c = (int) batch.size(1);
        int h = (int) batch.size(2), w = (int) batch.size(3);
        if (c != 3)
            throw new IllegalArgumentException("PcaLighting: needs RGB images (3 channels), got " + c
                    + " channel" + (c == 1 ? "" : "s") + "; grey images have no colour to vary");
        float[] values = Images.values(batch);
        for (int i = 0; i < b; i++) {
            double[] alphaLambda = new double[3];
            for (int k = 0; k < 3; k++) alphaLambda[k] = rng.nextGaussian() * std * EIGENVALUES[k];
            for (int ch = 0; ch < 3; ch++) {
                double shift = 0;
                for (int k = 0; k < 3; k++) shift += EIGENVECTORS[ch][k] * alphaLambda[k];
                int base = (i * 3 + ch) * h * w;
                for (int p = base; p < base + h * w; p++) values[p] += (float) shift;
            }
        }
        return Images.array(values, b, 3, h, w);
    }

    @Override
    public String toString() {
        return "PcaLighting(" + std + ")";
    }
}
