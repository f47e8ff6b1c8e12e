package io.github.alexlab.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The content of one IDX file: its sizes (e.g. [60000, 28, 28] for images, [60000] for labels)
 * and the unsigned bytes that follow the header, in row-major order.
 *
 * @param file   where it was read from (for messages)
 * @param sizes  one size per dimension; sizes[0] is the number of examples
 * @param data   the values, each 0..255 once read as {@code data[i] & 0xff}
 * @param sha256 the SHA-256 digest (hex) of the uncompressed file, header included
 */
public record IdxData(Path file, int[] sizes, byte[] data, String sha256) {

    /** The number of examples: the first size. */
    public int count() {
        return sizes[0];
    }

    /** Values per example: the product of all sizes but the first (784 for 28x28 images). */
    public int valuesPerExample() {
        int n = 1;
        for (int i = 1; i < sizes.length; i++) n *= sizes[i];
        return n;
    }

    @Override
    public String toString() {
        return "IdxData[" + file + ", sizes " + Arrays.toString(sizes) + "]";
    }
}
