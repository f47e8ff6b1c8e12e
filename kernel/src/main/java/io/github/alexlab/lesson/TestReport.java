package io.github.alexlab.lesson;

import io.github.alexlab.viz.Escape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one test cell scored, as the kernel shows it below the cell (a table) and as graders read
 * it (the record, {@link #MIME}).
 *
 * @param status passed | failed | todo | error | shadowed
 * @param note   for todo, error and shadowed: what happened, in a sentence
 */
public record TestReport(String test, String status, double points, double max, List<Verdict> checks,
                         String note, double seconds) {
    /** The MIME type of the record in the notebook's outputs. */
    public static final String MIME = "application/vnd.alexlab.test+json";

    /**
     * The score of a test cell whose body ran: full points when every check passed, else points for
     * the share of checks that passed; a body that made no check scores nothing.
     */
    public static TestReport scored(String test, double max, List<Verdict> checks, double seconds) {
        if (checks.isEmpty())
            return new TestReport(test, "error", 0, max, checks, "this test made no checks", seconds);
        long passed = checks.stream().filter(Verdict::passed).count();
        double points = passed == checks.size() ? max : max * passed / checks.size();
        return new TestReport(test, passed == checks.size() ? "passed" : "failed", points, max, checks, "", seconds);
    }

    /** A test that scored nothing, with why: "todo", "error" or "shadowed". */
    public static TestReport zero(String test, String status, double max, List<Verdict> checks, String note, double seconds) {
        return new TestReport(test, status, 0, max, checks, note, seconds);
    }

    /** The record graders read (JSON). */
    public Map<String, Object> record() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("test", test);
        json.put("status", status);
        json.put("points", points);
        json.put("max", max);
        json.put("checks", checks.stream().map(v -> Map.of("name", v.name(), "passed", v.passed(),
                "message", v.message(), "hint", v.hint())).toList());
        json.put("note", note);
        json.put("seconds", seconds);
        return json;
    }

    public String headline() {
        String score = String.format(Locale.ROOT, "%s: %s, %s of %s points", test, status, number(points), number(max));
        return note.isEmpty() ? score : score + " (" + note + ")";
    }

    public String html() {
        String colour = status.equals("passed") ? "#1a7f37" : "#cf222e";
        StringBuilder html = new StringBuilder("<div><b style=\"color:").append(colour).append("\">")
                .append(Escape.html(headline())).append("</b>");
        if (!checks.isEmpty()) {
            String left = "<td style=\"text-align:left\">"; // Jupyter right-aligns table cells: these are sentences
            html.append("\n<table><tr><th style=\"text-align:left\">check</th><th>result</th>")
                    .append("<th style=\"text-align:left\">what came</th><th style=\"text-align:left\">hint</th></tr>\n");
            for (Verdict v : checks)
                html.append("<tr>").append(left).append(Escape.html(v.name())).append("</td><td style=\"color:")
                        .append(v.passed() ? "#1a7f37\">passed" : "#cf222e\">failed").append("</td>").append(left)
                        .append(Escape.html(v.message())).append("</td>").append(left)
                        .append(v.passed() ? "" : Escape.html(v.hint())).append("</td></tr>\n");
            html.append("</table>");
        }
        return html.append("</div>").toString();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(headline());
        for (Verdict v : checks)
            text.append("\n  ").append(v);
        return text.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
