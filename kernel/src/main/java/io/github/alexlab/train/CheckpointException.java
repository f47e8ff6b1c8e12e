package io.github.alexlab.train;

import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint that cannot be read, or does not fit the model: names the file and lists every
 * problem found, not just the first, so that one run shows everything there is to fix.
 */
public final class CheckpointException extends IllegalArgumentException {
    private final Path file;
    private final List<String> problems;

    public CheckpointException(Path file, String summary, List<String> problems) {
        super(message(file, summary, problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    private static String message(Path file, String summary, List<String> problems) {
        StringBuilder s = new StringBuilder(file + " " + summary + ":");
        for (String problem : problems)
            s.append("\n  - ").append(problem);
        return s.toString();
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    /** The problems, one per entry, as in the message. */
    public List<String> problems() {
        return problems;
    }
}
