package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.lesson.TestReport;
import io.github.alexlab.lesson.Verdict;
import io.github.alexlab.lesson.Verdicts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code %%test QUESTION/NAME points=N}: a lesson's test cell. The kernel, not a name in the
 * student's cells, records what the checks say: it opens the recording, runs the body, closes it,
 * and shows the score (a table) with a record graders read ({@link TestReport#MIME}).
 * <ul>
 *   <li>a stub met on the way ({@code Todo}): "todo", no points</li>
 *   <li>any other exception: "error", no points, with its message</li>
 *   <li>checks: full points when all pass, else the share that passed</li>
 *   <li>a student declaration named like the check API ({@code Check}, {@code check}, ...): "shadowed",
 *       the body is not run</li>
 * </ul>
 * A body that does not compile is a compile error, as in any cell.
 */
final class TestMagic implements CellMagic {
    static final Set<String> CHECK_NAMES = Set.of("check", "Check", "Lesson", "Todo", "Verdict", "Verdicts", "TestReport");
    private static final Pattern ARGS = Pattern.compile("(\\S+)(?:\\s+points=(\\d+(?:\\.\\d+)?))?\\s*");

    /** The latest report of each test run in this kernel, in the order first run (for %lesson). */
    static final Map<String, TestReport> REPORTS = new LinkedHashMap<>();

    @Override
    public List<String> names() {
        return List.of("test");
    }

    @Override
    public String summary() {
        return "a lesson's test cell: %%test QUESTION/NAME points=N, then checks (Check.close, Check.shape, ...)";
    }

    @Override
    public Outcome cell(String args, String body, MagicContext context) throws CellError {
        Matcher m = ARGS.matcher(args.strip());
        if (!m.matches())
            throw context.usageError("test", "write %%test QUESTION/NAME points=N, e.g. %%test relu-forward/linspace points=2");
        String test = m.group(1);
        double max = m.group(2) == null ? 1 : Double.parseDouble(m.group(2));
        long start = System.nanoTime();
        List<String> shadowing = new ArrayList<>(context.evaluator().declaredNames());
        shadowing.retainAll(CHECK_NAMES);
        TestReport report;
        if (!shadowing.isEmpty()) {
            report = TestReport.zero(test, "shadowed", max, List.of(), "a cell declares " + String.join(", ", shadowing)
                    + ", which hides the lesson's checks: rename it and run its cell again, then this test", 0);
        } else {
            Verdicts.open();
            String failure = null, status = null;
            try {
                context.eval(body, context.firstLine() + 1);
            } catch (CellError e) {
                if (e.name().equals("CompilationError") || e.name().equals("Interrupted")) {
                    Verdicts.close();
                    throw e;
                }
                status = e.name().equals("Todo") ? "todo" : "error";
                failure = status.equals("todo") ? "not done yet: write your code where a cell says YOUR CODE HERE"
                        + " and delete the throw new Todo line under it" : e.name() + ": " + e.getMessage();
            }
            List<Verdict> checks = Verdicts.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            report = status == null ? TestReport.scored(test, max, checks, seconds)
                    : TestReport.zero(test, status, max, checks, failure, seconds);
        }
        synchronized (REPORTS) {
            REPORTS.put(test, report);
        }
        return new Outcome(true, report);
    }
}
