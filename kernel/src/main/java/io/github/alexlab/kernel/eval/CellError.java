package io.github.alexlab.kernel.eval;

import java.util.List;

/**
 * A cell that failed: what Jupyter shows as {@code ename}, {@code evalue} and the traceback lines.
 * Tracebacks are plain text (no ANSI colours: they vanish on dark themes and in saved notebooks).
 */
public final class CellError extends Exception {
    private final String name;
    private final List<String> traceback;

    public CellError(String name, String message, List<String> traceback) {
        super(message);
        this.name = name;
        this.traceback = List.copyOf(traceback);
    }

    public String name() {
        return name;
    }

    public List<String> traceback() {
        return traceback;
    }
}
