package io.github.alexlab.kernel.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A cell that failed: what Jupyter shows as {@code ename}, {@code evalue} and the traceback lines.
 * The lines are plain text; {@link #shownTraceback()} adds the colour Jupyter shows.
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

    /** ANSI escapes, which Jupyter renders in tracebacks: bold red reads on light and dark themes alike. */
    private static final String BOLD_RED = "\u001b[1;31m", PLAIN = "\u001b[0m";

    /**
     * The traceback as the notebook shows it: as in IPython, the error's first line starts with its
     * name in bold red (the message after it in the theme's colour), so that it stands out from
     * output printed to System.err; so does each "error:" of a cell that did not compile.
     */
    public List<String> shownTraceback() {
        List<String> shown = new ArrayList<>(traceback.size());
        for (int i = 0; i < traceback.size(); i++) {
            String line = traceback.get(i);
            shown.add(i == 0 || line.startsWith("error: ") ? withRedName(line) : line);
        }
        return shown;
    }

    private static String withRedName(String line) {
        int end = line.indexOf(": ");
        if (end < 0)
            end = line.length();
        return BOLD_RED + line.substring(0, end) + PLAIN + line.substring(end);
    }
}
