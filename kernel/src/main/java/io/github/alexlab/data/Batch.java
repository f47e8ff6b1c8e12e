package io.github.alexlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch from a {@link DataLoader}: images [B, C, H, W] after the loader's transforms, and
 * their labels [B] as FLOAT class indices.
 */
public record Batch(INDArray images, INDArray labels) {

    /** The number of examples in this batch (the last one may be smaller). */
    public int size() {
        return (int) images.size(0);
    }
}
