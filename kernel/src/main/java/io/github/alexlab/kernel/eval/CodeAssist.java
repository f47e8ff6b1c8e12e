package io.github.alexlab.kernel.eval;

import jdk.jshell.SourceCodeAnalysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Completion (Tab), inspection (Shift-Tab) and "is this cell complete?" for a console, all from
 * JShell's source analysis. Offsets here are Java string indexes (UTF-16); the kernel converts the
 * protocol's code-point cursors.
 */
public final class CodeAssist {
    public record Completion(List<String> matches, int start, int end) {}

    public record Readiness(String status, String indent) {}

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

    /** complete / incomplete (with the indent for the next line) / invalid, as a console asks. */
    public Readiness isComplete(String code) {
        String rest = code;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            SourceCodeAnalysis.Completeness c = info.completeness();
            if (c == SourceCodeAnalysis.Completeness.EMPTY)
                return new Readiness("complete", "");
            if (c == SourceCodeAnalysis.Completeness.UNKNOWN)
                return new Readiness("invalid", "");
            if (!c.isComplete())
                return new Readiness("incomplete", "    ".repeat(Math.max(1, openBrackets(code))));
            if (info.remaining().isBlank())
                return new Readiness("complete", "");
            rest = info.remaining();
        }
    }

    /** Where the snippet the cursor is in begins: JShell analyses one snippet at a time. */
    private int currentSnippetStart(String code, int cursor) {
        List<SnippetSplitter.Piece> pieces = SnippetSplitter.split(analysis, code.substring(0, cursor));
        if (pieces.isEmpty())
            return cursor;
        SnippetSplitter.Piece last = pieces.get(pieces.size() - 1);
        String text = code.substring(last.start(), last.end()).stripTrailing();
        boolean finished = last.completeness().isComplete() && (text.endsWith(";") || text.endsWith("}"));
        return finished ? cursor : last.start();
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
