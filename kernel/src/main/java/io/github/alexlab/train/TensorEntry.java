package io.github.alexlab.train;

import java.util.Arrays;

/**
 * One tensor in a safetensors header: its name, element type, shape, and where its bytes lie,
 * {@code [begin, end)} counted from the first byte after the header.
 */
record TensorEntry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
    /** The number of elements: the product of the shape (1 for a scalar, shape []). */
    long length() {
        long n = 1;
        for (long size : shape)
            n = Math.multiplyExact(n, size);
        return n;
    }

    /** The number of bytes the shape and type call for. */
    long byteLength() {
        return Math.multiplyExact(length(), dtype.bytes);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " bytes [" + begin + ", " + end + ")";
    }
}
