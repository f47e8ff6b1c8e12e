package io.github.alexlab.data;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Images kept as their 8-bit pixels (0..255, a quarter of the memory of floats) and turned into the
 * floats a network takes, value / 255, when they are needed: batch by batch in a {@link DataLoader}.
 */
final class Pixels {
    /** value / 255 for each byte value, so each pixel costs a lookup and gives exactly {@code (b & 0xff) / 255f}. */
    private static final float[] FLOAT_OF = new float[256];

    static {
        for (int b = 0; b < 256; b++)
            FLOAT_OF[b] = b / 255f;
    }

    private Pixels() {
    }

    /** All images of {@code pixels} (UINT8 [N, ...], dense) as one new FLOAT array of the same shape. */
    static INDArray toFloats(INDArray pixels) {
        int[] all = new int[(int) pixels.size(0)];
        Arrays.setAll(all, i -> i);
        return gather(pixels, all, null);
    }

    /**
     * The images {@code rows} of {@code pixels} (UINT8 [N, ...], dense and row-major) as floats
     * [rows.length, ...], written into {@code reuse} when that is a dense FLOAT array of that shape.
     */
    static INDArray gather(INDArray pixels, int[] rows, INDArray reuse) {
        if (pixels.dataType() != DataType.UINT8 || pixels.ordering() != 'c' || pixels.elementWiseStride() != 1)
            throw new IllegalArgumentException("pixels must be a dense row-major UINT8 array, got " + pixels.dataType()
                    + " " + pixels.shapeInfoToString());
        long n = pixels.size(0);
        long[] shape = pixels.shape().clone();
        shape[0] = rows.length;
        INDArray batch = DataLoader.isReusable(reuse, DataType.FLOAT, shape) ? reuse : Nd4j.createUninitialized(DataType.FLOAT, shape);
        int perImage = (int) (pixels.length() / n);
        byte[] row = new byte[perImage];
        float[] values = new float[perImage];
        // A view's buffer starts at its own first element (a subset's first image).
        BytePointer from = new BytePointer(pixels.data().addressPointer());
        FloatPointer to = new FloatPointer(batch.data().addressPointer());
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) // never read past the data set
                throw new IndexOutOfBoundsException("example " + rows[i] + " of a data set of " + n);
            from.position((long) rows[i] * perImage).get(row);
            for (int j = 0; j < perImage; j++)
                values[j] = FLOAT_OF[row[j] & 0xff];
            to.position((long) i * perImage).put(values);
        }
        return batch;
    }
}
