package io.github.alexlab.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/** Small hand-made IDX files for the tests. */
final class IdxFiles {
    private IdxFiles() {}

    /** Header (magic 0x00 0x00 0x08 dims, big-endian sizes) followed by {@code data}. */
    static byte[] idx(byte[] data, int... sizes) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * sizes.length + data.length); // big-endian by default
        buffer.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) sizes.length);
        for (int size : sizes) buffer.putInt(size);
        buffer.put(data);
        return buffer.array();
    }

    /** {@code count} images of rows x cols whose pixels are (example + pixel) mod 256. */
    static byte[] images(int count, int rows, int cols) {
        byte[] data = new byte[count * rows * cols];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i / (rows * cols) + i % (rows * cols));
        return idx(data, count, rows, cols);
    }

    /** {@code count} labels 0, 1, ..., 9, 0, 1, ... */
    static byte[] labels(int count) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) data[i] = (byte) (i % 10);
        return idx(data, count);
    }

    static byte[] gzip(byte[] content) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(Idx.newSha256().digest(content));
    }
}
