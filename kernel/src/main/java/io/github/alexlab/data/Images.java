package io.github.alexlab.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * What the transforms share: the batch as a plain float[] in [B, C, H, W] order, so each
 * transform is a few loops a reader can follow, and the check that a batch has that shape.
 */
final class Images {
    private Images() {}

    /** The values of a batch, row-major [B, C, H, W], as a new float[]. */
    static float[] values(INDArray batch) {
        // a fresh row-major copy: its buffer holds exactly the batch, in order
        return batch.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** A FLOAT array of the given shape holding {@code values} in row-major order. */
    static INDArray array(float[] values, long... shape) {
        return Nd4j.create(values, shape, 'c');
    }

    /** Checks the batch is [B, C, H, W]; {@code who} names the transform in the message. */
    static void checkBatch(String who, INDArray batch) {
        if (batch.rank() != 4)
            throw new IllegalArgumentException(who + ": expected a batch of images [B, C, H, W], got "
                    + Arrays.toString(batch.shape()));
    }
}
