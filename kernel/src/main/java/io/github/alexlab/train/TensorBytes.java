package io.github.alexlab.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The raw bytes of an ND4J array, as a safetensors file stores them: row-major ('c') order,
 * little-endian. ND4J keeps its arrays in native memory in the machine's byte order, so on a
 * little-endian machine (x86-64, ARM) these bytes can be copied to and from the file unchanged.
 */
final class TensorBytes {
    private TensorBytes() {
    }

    /** Checks what every read and write needs: a little-endian machine, and a tensor one ByteBuffer can hold. */
    private static void requireFits(String name, long bytes) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
            throw new UnsupportedOperationException("checkpoints need a little-endian machine; this one is "
                    + ByteOrder.nativeOrder());
        if (bytes > Integer.MAX_VALUE)
            throw new UnsupportedOperationException(name + ": " + bytes + " bytes; a tensor must stay under 2 GiB");
    }

    /** Writes the elements of {@code value} (called {@code name} in messages), row by row, to {@code out}. */
    static void write(String name, INDArray value, WritableByteChannel out) throws IOException {
        requireFits(name, value.length() * value.data().getElementSize());
        if (value.length() == 0)
            return;
        // The native buffer is exactly the elements in row-major order only for a whole 'c' array;
        // a view or a column-major array is copied first.
        boolean plain = value.ordering() == 'c' && !value.isView() && value.data().length() == value.length();
        INDArray rowMajor = plain ? value : value.dup('c');
        ByteBuffer bytes = rowMajor.data().asNio();
        bytes.position(0).limit((int) (rowMajor.length() * rowMajor.data().getElementSize()));
        while (bytes.hasRemaining())
            out.write(bytes);
    }

    /** A new array of {@code entry}'s type and shape, filled from the file at {@code position}. */
    static INDArray read(FileChannel file, long position, TensorEntry entry) throws IOException {
        requireFits(entry.name(), entry.byteLength());
        INDArray array = Nd4j.create(entry.dtype().nd4j, entry.shape(), 'c');
        if (entry.length() == 0)
            return array;
        ByteBuffer target = array.data().asNio();
        target.position(0).limit((int) entry.byteLength());
        while (target.hasRemaining()) {
            int n = file.read(target, position + target.position());
            if (n < 0)
                throw new EOFException("the file ended inside " + entry.name());
        }
        return array;
    }
}
