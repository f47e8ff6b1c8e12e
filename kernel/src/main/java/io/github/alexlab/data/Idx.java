package io.github.alexlab.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE"):
 * <pre>
 *   0x00 0x00 TYPE DIMS          magic: two zero bytes, the value type, the number of dimensions
 *   int32 size[0] ... size[DIMS-1]  big-endian
 *   size[0] * ... * size[DIMS-1] values
 * </pre>
 * Only TYPE 0x08 (unsigned byte) is supported: it is what every MNIST-style file uses. The file
 * may be gzip-compressed or plain; gzip is recognised by its first two bytes (0x1f 0x8b), not by
 * the file name.
 * <p>
 * The SHA-256 digest is taken over the <em>uncompressed</em> content while it is read, so the
 * same data compressed twice (the Debian package recompresses the official files) checks against
 * one digest.
 */
public final class Idx {
    /** The type byte for unsigned bytes, the only one supported. */
    public static final int UNSIGNED_BYTE = 0x08;

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private Idx() {}

    // ---- Reading ------------------------------------------------------------------------------

    /**
     * Reads an IDX file with the given number of dimensions (3 for images, 1 for labels) and no
     * digest check. Use this only for files that have no manifest entry, e.g. plain MNIST given
     * by an explicit path.
     */
    public static IdxData read(Path file, int expectedDimensions) throws IOException {
        return read(file, expectedDimensions, null);
    }

    /**
     * Reads an IDX file and checks its uncompressed content against {@code expectedSha256}
     * (lower-case hex; {@code null} skips the check).
     *
     * @throws DataFileException when the file is not a valid IDX file of the expected shape,
     *                           holds fewer or more bytes than its header promises, or its
     *                           digest differs from the expected one
     */
    public static IdxData read(Path file, int expectedDimensions, String expectedSha256) throws IOException {
        if (expectedDimensions < 1 || expectedDimensions > 255)
            throw new IllegalArgumentException(file + ": expected dimensions must be 1..255, got " + expectedDimensions);
        if (!Files.isRegularFile(file))
            throw new DataFileException(file, "no such file");

        MessageDigest sha256 = newSha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             InputStream uncompressed = isGzip(raw) ? new GZIPInputStream(raw, 1 << 16) : raw;
             DataInputStream in = new DataInputStream(new DigestInputStream(uncompressed, sha256))) {

            int[] sizes = readHeader(file, in, expectedDimensions);
            long promised = 1;
            for (int size : sizes) promised *= size;
            if (promised > Integer.MAX_VALUE - 8)
                throw new DataFileException(file, "header promises " + promised + " bytes of data, too many for one array");

            byte[] data = new byte[(int) promised];
            int got = readFully(in, data);
            if (got < promised)
                throw new DataFileException(file, "truncated: header promises " + promised
                        + " bytes of data, file has " + got);
            long extra = countRemaining(in);
            if (extra > 0)
                throw new DataFileException(file, "has " + extra + " trailing bytes after the "
                        + promised + " bytes of data its header promises");

            String actual = HexFormat.of().formatHex(sha256.digest());
            if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(actual))
                throw new DataFileException(file, "SHA-256 of the uncompressed content does not match the manifest: expected "
                        + expectedSha256.toLowerCase() + ", actual " + actual);
            return new IdxData(file, sizes, data, actual);
        } catch (ZipException e) {
            throw new DataFileException(file, "not a valid gzip file (" + e.getMessage() + ")", e);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file", e);
        }
    }

    /**
     * The first size in the header of an IDX file: the number of images or labels it holds. Reads
     * only the header, so it is quick even for the full training set.
     */
    public static int count(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             InputStream uncompressed = isGzip(raw) ? new GZIPInputStream(raw) : raw;
             DataInputStream in = new DataInputStream(uncompressed)) {
            byte[] magic = new byte[4];
            if (readFully(in, magic) < 4 || magic[0] != 0 || magic[1] != 0 || magic[3] < 1)
                throw new DataFileException(file, "not an IDX file (bad or missing header)");
            return in.readInt();
        } catch (ZipException | EOFException e) {
            throw new DataFileException(file, "not a valid IDX header (" + e.getMessage() + ")", e);
        }
    }

    // ---- Header -------------------------------------------------------------------------------

    /** Checks the magic bytes and returns the sizes. */
    private static int[] readHeader(Path file, DataInputStream in, int expectedDimensions) throws IOException {
        byte[] magic = new byte[4];
        if (readFully(in, magic) < 4)
            throw new DataFileException(file, "truncated: too short for an IDX header");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFileException(file, String.format(
                    "not an IDX file: bad magic bytes 0x%02x 0x%02x (an IDX file starts with 0x00 0x00)",
                    magic[0] & 0xff, magic[1] & 0xff));
        int type = magic[2] & 0xff;
        if (type != UNSIGNED_BYTE)
            throw new DataFileException(file, String.format(
                    "unsupported IDX value type 0x%02x (only 0x08, unsigned byte, is supported)", type));
        int dimensions = magic[3] & 0xff;
        if (dimensions != expectedDimensions)
            throw new DataFileException(file, "expected " + expectedDimensions + " dimension(s) ("
                    + (expectedDimensions == 3 ? "images" : expectedDimensions == 1 ? "labels" : "data")
                    + "), header says " + dimensions);

        int[] sizes = new int[dimensions];
        for (int i = 0; i < dimensions; i++) {
            try {
                sizes[i] = in.readInt(); // big-endian, as IDX requires
            } catch (EOFException e) {
                throw new DataFileException(file, "truncated: header ends before size " + i + " of " + dimensions);
            }
            if (sizes[i] < 0)
                throw new DataFileException(file, "header gives a negative size " + sizes[i] + " for dimension " + i);
        }
        return sizes;
    }

    // ---- Streams ------------------------------------------------------------------------------

    /** True when the stream starts with the gzip magic bytes; the stream is left where it was. */
    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2;
    }

    /**
     * Fills {@code buffer} as far as the stream goes and returns how many bytes it got. A gzip
     * stream that ends early throws EOFException; that is a truncated file too, so it counts as
     * the end of the data.
     */
    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int got = 0;
        try {
            while (got < buffer.length) {
                int n = in.read(buffer, got, buffer.length - got);
                if (n < 0) break;
                got += n;
            }
        } catch (EOFException e) {
            // a cut-off gzip stream: report what arrived
        }
        return got;
    }

    /** Reads to the end and counts the bytes (trailing data after the promised values). */
    private static long countRemaining(InputStream in) throws IOException {
        long count = 0;
        byte[] skip = new byte[8192];
        try {
            for (int n; (n = in.read(skip)) > 0; ) count += n;
        } catch (EOFException e) {
            // a cut-off gzip stream after the data: what arrived is counted
        }
        return count;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e); // every Java has it
        }
    }
}
