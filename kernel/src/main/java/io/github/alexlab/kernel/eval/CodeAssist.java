package io.github.alexlab.kernel.eval;

import jdk.jshell.SourceCodeAnalysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Completion (Tab), inspection (Shift-Tab) and "is this cell complete?" for a console, all from
 * JShell's source analysis. Offsets here are Java string indexes (UTF-16); the kernel converts the
 * protocol's code-point cursors.
 */
public final class CodeAssist {
    public record Completion(List<String> matches, int start, int end) {}

    public record Readiness(String status, String indent) {}

    /** How much code before the cursor completion and inspection read. */
    private static final int CONTEXT_CHARACTERS = 10_000;
    /** Larger code is not checked for completeness: a console's input is far smaller. */
    private static final int MAX_CHECKED_CHARACTERS = 100_000;

    private final SourceCodeAnalysis analysis;

    CodeAssist(SourceCodeAnalysis analysis) {
        this.analysis = analysis;
    }

    public Completion complete(String code, int cursor) {
        int start = currentSnippetStart(code, cursor);
        String input = code.substring(start, cursor);
        int[] anchor = {-1};
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(input, input.length(), anchor);
        Set<String> typed = new LinkedHashSet<>(), rest = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions)
            (s.matchesType() ? typed : rest).add(s.continuation());
        List<String> matches = new ArrayList<>(typed); // those that fit the expected type first
        rest.stream().filter(m -> !typed.contains(m)).forEach(matches::add);
        int replaceFrom = anchor[0] < 0 ? cursor : start + anchor[0];
        return new Completion(matches, replaceFrom, cursor);
    }

    /** Signatures and documentation of what is at the cursor, or null when there is nothing to show. */
    public String inspect(String code, int cursor) {
        int start = currentSnippetStart(code, cursor);
        String input = code.substring(start, cursor);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(input, input.length(), true);
        if (docs.isEmpty() && !input.isEmpty() && Character.isJavaIdentifierPart(input.charAt(input.length() - 1)))
            docs = analysis.documentation(input + "(", input.length() + 1, true); // at the end of a method's name
        if (docs.isEmpty())
            return null;
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            if (text.length() > 0)
                text.append("\n\n");
            text.append(d.signature());
            if (d.javadoc() != null && !d.javadoc().isBlank())
                text.append("\n\n").append(plainJavadoc(d.javadoc()));
        }
        return text.toString();
    }

    /** complete / incomplete (with the indent for the next line) / invalid (cannot parse), as a console asks. */
    public Readiness isComplete(String code) {
        if (code.length() > MAX_CHECKED_CHARACTERS)
            return new Readiness("unknown", ""); // parsing it piece by piece would hold up the shell
        if (code.lines().filter(line -> !line.isBlank()).findFirst().orElse("").stripLeading().startsWith("%%"))
            return new Readiness("complete", ""); // a cell magic: its body need not be Java
        String java = withoutLineMagics(code);
        List<SnippetSplitter.Piece> pieces = SnippetSplitter.split(analysis, java);
        if (pieces.isEmpty())
            return new Readiness("complete", "");
        // Only the last piece can be unfinished: the splitter hands over the rest of the cell as it is.
        SnippetSplitter.Piece last = pieces.get(pieces.size() - 1);
        if (last.completeness() == SourceCodeAnalysis.Completeness.UNKNOWN)
            return new Readiness("invalid", "");
        boolean unfinished = !last.completeness().isComplete();
        List<SnippetSplitter.Piece> finished = unfinished ? pieces.subList(0, pieces.size() - 1) : pieces;
        if (!parses(finished, unfinished ? java.substring(0, last.start()) : java))
            return new Readiness("invalid", "");
        return unfinished
                ? new Readiness("incomplete", "    ".repeat(Math.max(1, openBrackets(java))))
                : new Readiness("complete", "");
    }

    /** Whether the finished snippets parse: in one go for the usual cell, else one at a time. */
    private static boolean parses(List<SnippetSplitter.Piece> finished, String theirCode) {
        if (finished.size() > 1 && JavaSyntax.parses(theirCode))
            return true; // a cell that mixes imports with statements takes the slow way
        return finished.stream().allMatch(piece -> JavaSyntax.parses(piece.source()));
    }

    /** Lines of magics ({@code %time}) blanked out: what is left is the cell's Java. */
    private static String withoutLineMagics(String code) {
        return code.lines().map(line -> line.stripLeading().startsWith("%") ? "" : line)
                .collect(Collectors.joining("\n"));
    }

    /** Where the snippet the cursor is in begins: JShell analyses one snippet at a time. */
    private int currentSnippetStart(String code, int cursor) {
        int from = nearbyLineStart(code, cursor);
        List<SnippetSplitter.Piece> pieces = SnippetSplitter.split(analysis, code.substring(from, cursor));
        if (pieces.isEmpty())
            return cursor;
        SnippetSplitter.Piece last = pieces.get(pieces.size() - 1);
        String text = code.substring(from + last.start(), from + last.end()).stripTrailing();
        boolean finished = last.completeness().isComplete() && (text.endsWith(";") || text.endsWith("}"));
        return finished ? cursor : from + last.start();
    }

    /**
     * The start of a line at most {@link #CONTEXT_CHARACTERS} before the cursor: what is typed at the
     * cursor lies in there, and the code before it need not be read again at every key press.
     */
    private static int nearbyLineStart(String code, int cursor) {
        if (cursor <= CONTEXT_CHARACTERS)
            return 0;
        int newline = code.indexOf('\n', cursor - CONTEXT_CHARACTERS);
        return newline >= 0 && newline < cursor ? newline + 1 : cursor - CONTEXT_CHARACTERS;
    }

    private static int openBrackets(String code) {
        int depth = 0;
        for (char ch : code.toCharArray()) {
            if (ch == '{' || ch == '(' || ch == '[')
                depth++;
            else if (ch == '}' || ch == ')' || ch == ']')
                depth = Math.max(0, depth - 1);
        }
        return depth;
    }

    /** Javadoc without its HTML, good enough for a tooltip. */
    private static String plainJavadoc(String javadoc) {
        return javadoc.replaceAll("(?s)<pre>(.*?)</pre>", "$1")
                .replaceAll("\\{@(?:code|link|linkplain|literal) ([^}]*)}", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                .strip();
    }
}
