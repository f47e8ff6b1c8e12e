package io.github.alexlab.kernel.eval;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a cell into the snippets JShell evaluates one by one (statements, declarations, expressions),
 * remembering where each one starts in the cell so errors can point at the cell's own lines.
 */
final class SnippetSplitter {
    /** One snippet: the source JShell gets, and where its text starts and ends in the cell. */
    record Piece(String source, int start, int end, Completeness completeness) {}

    private SnippetSplitter() {}

    static List<Piece> split(SourceCodeAnalysis analysis, String cell) {
        List<Piece> pieces = new ArrayList<>();
        int offset = 0;
        while (offset < cell.length()) {
            String rest = cell.substring(offset);
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness c = info.completeness();
            if (c == Completeness.EMPTY)
                break;
            if (!c.isComplete() || info.source() == null) {
                // The tail does not parse as a complete snippet: hand it over as it is, so that
                // JShell reports its error at the right place.
                int start = offset + leadingBlank(rest);
                pieces.add(new Piece(cell.substring(start).stripTrailing(), start, cell.length(), c));
                break;
            }
            int consumed = rest.length() - info.remaining().length();
            String source = info.source().stripLeading(); // JShell keeps the blank lines before a snippet
            int start = locate(cell, offset, offset + consumed, source);
            pieces.add(new Piece(source, start, offset + consumed, c));
            offset += Math.max(consumed, 1);
        }
        return pieces;
    }

    /** Where the snippet's own text begins in the cell (after blanks and comments JShell skipped). */
    private static int locate(String cell, int from, int to, String source) {
        String body = source.endsWith(";") ? source.substring(0, source.length() - 1) : source;
        String head = body.length() > 40 ? body.substring(0, 40) : body;
        int at = head.isEmpty() ? -1 : cell.indexOf(head, from);
        return at >= 0 && at < to ? at : from + leadingBlank(cell.substring(from, to));
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i)))
            i++;
        return i;
    }
}
