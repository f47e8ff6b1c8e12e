package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * A change made to every batch of images as a {@link DataLoader} hands it out: resizing,
 * augmentation (random crops, flips, lighting), normalisation. Random transforms draw from the
 * loader's {@code rng}, so a seeded loader gives the same augmented batches every run.
 */
@FunctionalInterface
public interface ImageTransform {

    /** Returns the transformed batch [B, C, H', W'] for a batch [B, C, H, W]; may reuse its input. */
    INDArray apply(INDArray batch, Random rng);
}
