package io.github.alexlab.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be used: wrong format, truncated, a digest that does not match the
 * manifest, or a download that failed. The message always starts with the file, then says what
 * is wrong, e.g. {@code "data/train-images-idx3-ubyte.gz: truncated: header promises 47040000
 * bytes of data, file has 1000"}.
 */
public class DataFileException extends IOException {
    private final Path file;

    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file the problem is about. */
    public Path file() {
        return file;
    }
}
