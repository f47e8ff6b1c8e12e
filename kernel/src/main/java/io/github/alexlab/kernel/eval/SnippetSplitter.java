package io.github.alexlab.kernel.eval;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Cuts a cell into the snippets JShell evaluates one by one (statements, declarations, expressions),
 * remembering where each one starts in the cell so errors can point at the cell's own lines.
 */
final class SnippetSplitter {
    /** One snippet: the source JShell gets, and where its text starts and ends in the cell. */
    record Piece(String source, int start, int end, Completeness completeness) {}

    private SnippetSplitter() {}

    /**
     * How much of the cell JShell is shown at first to find where the next snippet ends. Not the
     * whole rest: JShell reads all it is given, and a cell of many thousand snippets would be read
     * that many times over. A snippet longer than this is found by showing JShell twice as much.
     */
    private static final int FIRST_WINDOW = 1024;

    static List<Piece> split(SourceCodeAnalysis analysis, String cell) {
        List<Piece> pieces = new ArrayList<>();
        pieces(analysis, cell).forEach(pieces::add);
        return pieces;
    }

    /**
     * The snippets one at a time, each found when it is asked for: a cell of thousands of snippets
     * can be stopped between two of them, and need not be cut up in full before the first runs.
     */
    static Iterable<Piece> pieces(SourceCodeAnalysis analysis, String cell) {
        return () -> new Iterator<>() {
            private int offset;
            private Piece next = find();

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Piece next() {
                if (next == null)
                    throw new NoSuchElementException();
                Piece piece = next;
                next = find();
                return piece;
            }

            private Piece find() {
                if (offset >= cell.length())
                    return null;
                SourceCodeAnalysis.CompletionInfo info;
                String rest;
                for (int window = FIRST_WINDOW; ; window *= 2) {
                    boolean wholeRest = cell.length() - offset <= window;
                    rest = cell.substring(offset, wholeRest ? cell.length() : offset + window);
                    info = analysis.analyzeCompletion(rest);
                    // Only text left over after a complete snippet shows that the snippet ends there.
                    if (wholeRest || info.completeness().isComplete() && !info.remaining().isBlank())
                        break;
                }
                Completeness c = info.completeness();
                if (c == Completeness.EMPTY)
                    return null;
                if (!c.isComplete() || info.source() == null) {
                    // The tail does not parse as a complete snippet: hand it over as it is, so that
                    // JShell reports its error at the right place.
                    int start = offset + leadingBlank(rest);
                    offset = cell.length();
                    return new Piece(cell.substring(start).stripTrailing(), start, cell.length(), c);
                }
                int consumed = rest.length() - info.remaining().length();
                String source = info.source().stripLeading(); // JShell keeps the blank lines before a snippet
                int start = locate(cell, offset, offset + consumed, source);
                Piece piece = new Piece(source, start, offset + consumed, c);
                offset += Math.max(consumed, 1);
                return piece;
            }
        };
    }

    /** Where the snippet's own text begins in the cell (after blanks and comments JShell skipped). */
    private static int locate(String cell, int from, int to, String source) {
        String body = source.endsWith(";") ? source.substring(0, source.length() - 1) : source;
        String head = body.length() > 40 ? body.substring(0, 40) : body;
        int at = head.isEmpty() ? -1 : cell.substring(from, to).indexOf(head);
        return at >= 0 ? from + at : from + leadingBlank(cell.substring(from, to));
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i)))
            i++;
        return i;
    }
}
