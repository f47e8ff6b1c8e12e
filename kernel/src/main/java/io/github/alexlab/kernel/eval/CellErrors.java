package io.github.alexlab.kernel.eval;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShellException;
import jdk.jshell.UnresolvedReferenceException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns JShell's diagnostics and exceptions into errors a student can read: the cell's own line
 * and column, the offending source line with a marker under the mistake, and stack traces cut at
 * the cell boundary (no JShell, reflection or kernel frames).
 */
final class CellErrors {
    /** Where a snippet came from: the cell label ("cell [3]") and the cell line its text starts on. */
    record Origin(String cell, int firstLine) {}

    private CellErrors() {}

    static CellError compileError(List<Diag> diags, String cellCode, int snippetStart, String cellLabel) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : diags) {
            if (!d.isError())
                continue;
            String message = d.getMessage(Locale.ENGLISH).strip();
            int pos = d.getPosition() < 0 ? 0 : (int) d.getPosition();
            int from = d.getStartPosition() < 0 ? pos : (int) d.getStartPosition();
            int to = d.getEndPosition() < 0 ? pos + 1 : (int) d.getEndPosition();
            int at = Math.min(cellCode.length(), snippetStart + pos);
            int lineStart = cellCode.lastIndexOf('\n', at - 1) + 1;
            int lineEnd = cellCode.indexOf('\n', at);
            if (lineEnd < 0)
                lineEnd = cellCode.length();
            int line = 1 + (int) cellCode.substring(0, lineStart).chars().filter(ch -> ch == '\n').count();
            int column = at - lineStart + 1;
            String where = cellLabel + " line " + line + ", column " + column;
            if (first == null)
                first = message.lines().findFirst().orElse(message) + " (" + where + ")";
            lines.add("error: " + where + ": " + message.lines().findFirst().orElse(""));
            message.lines().skip(1).filter(more -> !namesJShellWrapper(more)).forEach(more -> lines.add("  " + more));
            String sourceLine = cellCode.substring(lineStart, lineEnd);
            lines.add("    " + sourceLine);
            int markFrom = Math.max(lineStart, Math.min(lineEnd, snippetStart + from)) - lineStart;
            int markTo = Math.max(markFrom + 1, Math.min(lineEnd, snippetStart + to) - lineStart);
            lines.add("    " + " ".repeat(markFrom) + "^".repeat(markTo - markFrom));
        }
        if (first == null)
            first = "the code could not be compiled";
        return new CellError("CompilationError", first, lines);
    }

    /**
     * javac's "location: class ..." names the class JShell wraps a snippet in: an empty name (after
     * a restart) or REPL.$JShell$12, which mean nothing to a student.
     */
    private static boolean namesJShellWrapper(String line) {
        String l = line.strip();
        return l.startsWith("location:") && (l.matches("location:\\s*(class|interface)?\\s*") || l.contains("$JShell$"));
    }

    static CellError runtimeError(JShellException e, Map<String, Origin> origins) {
        List<String> lines = new ArrayList<>();
        if (e instanceof UnresolvedReferenceException unresolved) {
            String what = unresolved.getSnippet().source().strip().lines().findFirst().orElse("");
            String message = "this code uses a declaration that cannot run yet because something it needs is missing: " + what;
            lines.add("UnresolvedReferenceException: " + message);
            return new CellError("UnresolvedReferenceException", message, lines);
        }
        EvalException top = (EvalException) e;
        String name = simpleName(top.getExceptionClassName());
        String message = top.getMessage() == null ? "" : readable(top.getMessage());
        describe(top.getExceptionClassName(), top.getMessage(), top.getStackTrace(), origins, lines, "");
        for (Throwable cause = top.getCause(); cause instanceof EvalException c; cause = c.getCause())
            describe(c.getExceptionClassName(), c.getMessage(), c.getStackTrace(), origins, lines, "Caused by: ");
        return new CellError(name, message, lines);
    }

    /**
     * What ended a thread that a cell started, shown as a cell's own error is: cell lines, library
     * frames folded. {@code cellFrames} turns the raw frames of cell code (a line of JShell's
     * wrapper class) into frames as JShell reports them (file "#id", the snippet's own line).
     */
    static List<String> threadError(Throwable thrown, UnaryOperator<StackTraceElement[]> cellFrames,
                                    Map<String, Origin> origins) {
        List<String> lines = new ArrayList<>();
        describe(thrown.getClass().getName(), thrown.getMessage(), cellFrames.apply(thrown.getStackTrace()), origins, lines, "");
        int depth = 0;
        for (Throwable cause = thrown.getCause(); cause != null && depth < 20; cause = cause.getCause(), depth++)
            describe(cause.getClass().getName(), cause.getMessage(), cellFrames.apply(cause.getStackTrace()), origins,
                    lines, "Caused by: ");
        return lines;
    }

    private static void describe(String className, String message, StackTraceElement[] frames,
                                 Map<String, Origin> origins, List<String> lines, String prefix) {
        lines.add(prefix + className + (message == null ? "" : ": " + readable(message)));
        int last = frames.length - 1; // cut below the cell: drop the engine that called it
        while (last >= 0 && !isCellFrame(frames[last]))
            last--;
        if (last < 0)
            last = frames.length - 1;
        int first = 0; // the exit guard is ours, not the student's
        while (first < last && frames[first].getClassName().startsWith(ExitGuard.class.getName()))
            first++;
        List<String> shown = new ArrayList<>();
        int libraryFrames = 0; // frames of library code the cell called, folded into one line
        for (int i = first; i <= last; i++) {
            if (!isCellFrame(frames[i]) && hasCellFrame(frames, i, last)) {
                libraryFrames++;
                continue;
            }
            shown.add("    at " + frame(frames[i], origins));
            if (libraryFrames > 0) { // the cell's line first, then what it called
                shown.add("    (" + libraryFrames + (libraryFrames == 1 ? " frame" : " frames") + " in "
                        + library(frames, i - libraryFrames, i) + ", from " + shortName(frames[i - 1]) + ")");
                libraryFrames = 0;
            }
        }
        String previous = null;
        int repeats = 0;
        for (String frame : shown) {
            if (frame.equals(previous)) { // a stack overflow repeats one frame a thousand times
                repeats++;
                continue;
            }
            if (repeats > 0)
                lines.add("    ... the line above repeated " + repeats + " more times");
            repeats = 0;
            lines.add(frame);
            previous = frame;
        }
        if (repeats > 0)
            lines.add("    ... the line above repeated " + repeats + " more times");
    }

    private static boolean hasCellFrame(StackTraceElement[] frames, int from, int to) {
        for (int i = from; i <= to; i++)
            if (isCellFrame(frames[i]))
                return true;
        return false;
    }

    /** The package the frames share, at most three names deep ("org.nd4j.linalg"), or "libraries". */
    private static String library(StackTraceElement[] frames, int from, int to) {
        String[] common = frames[from].getClassName().split("\\.");
        int depth = Math.min(3, common.length - 1);
        for (int i = from + 1; i < to; i++) {
            String[] names = frames[i].getClassName().split("\\.");
            int same = 0;
            while (same < depth && same < names.length - 1 && names[same].equals(common[same]))
                same++;
            depth = same;
        }
        return depth == 0 ? "libraries" : String.join(".", Arrays.copyOf(common, depth));
    }

    /** "BaseNDArray.mmul": the method the cell called, without its package. */
    private static String shortName(StackTraceElement f) {
        return simpleName(f.getClassName()) + "." + f.getMethodName();
    }

    /** JShell reports frames of cell code with the file name "#id" (the snippet's id). */
    private static boolean isCellFrame(StackTraceElement f) {
        return f.getFileName() != null && f.getFileName().startsWith("#");
    }

    private static String frame(StackTraceElement f, Map<String, Origin> origins) {
        if (!isCellFrame(f))
            return f.toString();
        Origin origin = origins.get(f.getFileName().substring(1));
        String where = origin == null ? "an earlier cell"
                : origin.cell() + " line " + (origin.firstLine() + Math.max(1, f.getLineNumber()) - 1);
        String method = f.getMethodName();
        if (method.isEmpty() || method.equals("do_it$"))
            return where;
        if (method.startsWith("lambda$"))
            return "a lambda (" + where + ")";
        String owner = f.getClassName().replaceFirst("^REPL\\.\\$JShell\\$\\d+[A-Z]?\\$?", "");
        return (owner.isEmpty() ? "" : owner.replace('$', '.') + ".") + method + " (" + where + ")";
    }

    /**
     * A message as the student wrote the names: a cell's variables are fields of JShell's wrapper
     * classes, so Java's helpful NullPointerException says {@code "REPL.$JShell$36.o" is null}.
     */
    static String readable(String message) {
        return message.replaceAll("REPL\\.\\$JShell\\$\\d+[A-Z]*\\.", "");
    }

    static String simpleName(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return simple.substring(simple.lastIndexOf('$') + 1);
    }
}
