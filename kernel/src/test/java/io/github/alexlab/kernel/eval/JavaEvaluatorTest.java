package io.github.alexlab.kernel.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JavaEvaluatorTest {
    private static JavaEvaluator java;

    @BeforeAll
    static void start() {
        java = new JavaEvaluator(List.of("import java.util.*;"));
    }

    @AfterAll
    static void stop() {
        java.close();
    }

    @Test
    void theUnusedClassIndexGoesAndPackageCompletionStays() {
        var analysis = java.analysis();
        java.dropUnusedClassIndex(); // waits for JShell's index first
        assertEquals(List.of(), analysis.listQualifiedNames("Instant", 7).getNames(),
                "no import suggested for java.time.Instant: the class names are gone");
        var packages = analysis.completionSuggestions("java.util.conc", 14, new int[1]).stream()
                .map(jdk.jshell.SourceCodeAnalysis.Suggestion::continuation).toList();
        assertTrue(packages.contains("concurrent."), packages.toString());
    }

    @Test
    void aNullPointerNamesTheVariableAsTheCellWroteIt() {
        CellError e = assertThrows(CellError.class, () -> java.eval("Object nothing = null;\nnothing.toString();", "cell [1]", 1));
        assertEquals("NullPointerException", e.name());
        assertTrue(e.getMessage().contains("because \"nothing\" is null"), e.getMessage());
        assertFalse(String.join("\n", e.traceback()).contains("$JShell$"), String.join("\n", e.traceback()));
    }

    @Test
    void aCellOfCommentsOnlyRunsAndShowsNothing() throws Exception {
        assertFalse(java.eval("// nothing here\n/* nor here */", "cell [c]", 1).hasValue());
        assertFalse(java.eval("", "cell [c]", 1).hasValue());
    }

    @Test
    void lastExpressionIsTheLiveValue() throws CellError {
        JavaEvaluator.Outcome o = java.eval("List<Integer> xs = new ArrayList<>(List.of(3, 1, 2));\nCollections.sort(xs);\nxs", "cell [1]", 1);
        assertTrue(o.hasValue());
        assertEquals(List.of(1, 2, 3), o.value(), "the object itself, not its string");
        assertFalse(java.eval("int declared = 4;", "cell [2]", 1).hasValue(), "a declaration has no value");
        assertEquals(8, java.eval("declared * 2", "cell [3]", 1).value());
        assertFalse(java.eval("declared * 2;", "cell [4]", 1).hasValue(), "a final ';' hides the value");
    }

    @Test
    void compileErrorNamesCellLineAndColumn() {
        CellError e = assertThrows(CellError.class, () -> java.eval("int a = 1;\n\n  boolean b = \"yes\";", "cell [7]", 1));
        assertEquals("CompilationError", e.name());
        assertTrue(e.getMessage().contains("cell [7] line 3, column 15"), e.getMessage());
        assertTrue(e.traceback().contains("      boolean b = \"yes\";"), String.join("\n", e.traceback()));
        assertTrue(e.traceback().contains("                  ^^^^^"), String.join("\n", e.traceback()));
    }

    @Test
    void runtimeErrorFramesPointIntoCells() throws CellError {
        java.eval("int half(int[] a, int i) {\n  return a[i] / 2;\n}", "cell [8]", 1);
        CellError e = assertThrows(CellError.class, () -> java.eval("int[] data = {4};\nhalf(data, 3)", "cell [9]", 1));
        assertEquals("ArrayIndexOutOfBoundsException", e.name());
        assertEquals(List.of("java.lang.ArrayIndexOutOfBoundsException: Index 3 out of bounds for length 1",
                "    at half (cell [8] line 2)", "    at cell [9] line 2"), e.traceback());
    }

    @Test
    void trailingExpressionBecomesAStatementForTimedBodies() {
        assertEquals("int a = 2;\nsink(a * 21);", java.consumeTrailingExpression("int a = 2;\na * 21", "sink"));
        assertEquals("int a = 2;", java.consumeTrailingExpression("int a = 2;", "sink"));
        assertEquals("int a = 2;\nSystem.out.println(a);", java.consumeTrailingExpression("int a = 2;\nSystem.out.println(a);", "sink"));
    }

    @Test
    void splitterKnowsWhereEachSnippetStarts() {
        String cell = "int a = 1;\n\n// a comment\nint b = a +\n  1;\nb";
        var pieces = java.pieces(cell);
        assertEquals(3, pieces.size());
        assertEquals(3, JavaEvaluator.lineOf(cell, pieces.get(1).start()), "a snippet's comment belongs to it");
        assertTrue(cell.startsWith(pieces.get(1).source().substring(0, 12), pieces.get(1).start()));
        assertEquals(6, JavaEvaluator.lineOf(cell, pieces.get(2).start()));
    }

    @Test
    void isCompleteForConsoles() {
        assertEquals("complete", java.assist().isComplete("int x = 1;").status());
        assertEquals("incomplete", java.assist().isComplete("if (true) {").status());
        assertEquals("invalid", java.assist().isComplete("}").status());
        assertEquals("invalid", java.assist().isComplete("int 3x = 1;").status(), "parses as no Java");
        assertEquals("complete", java.assist().isComplete("undefinedName.call()").status(), "only parsed, not compiled");
    }

    private void interruptAfter(long millis) {
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException ignored) {
            }
            java.interrupt();
        });
        interrupter.start();
    }

    @Test
    void interruptStopsALoopThatIgnoresItAfterTheGracePeriod() throws Exception {
        java.beginCell();
        interruptAfter(500);
        long t0 = System.nanoTime();
        CellError e = assertThrows(CellError.class, () -> java.eval("while (true) { }", "cell [11]", 1));
        assertEquals("Interrupted", e.name());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= 0.5 + JavaEvaluator.INTERRUPT_GRACE.toMillis() / 1000.0 - 0.1, "stopped by force only after the grace period: " + seconds);
        assertTrue(seconds < 5, "took " + seconds + " s");
        java.beginCell();
        assertEquals(3, java.eval("1 + 2", "cell [12]", 1).value());
    }

    @Test
    void codeThatHeedsTheInterruptEndsByItselfAndKeepsItsResult() throws Exception {
        java.eval("int untilInterrupted() { while (!Thread.currentThread().isInterrupted()) { } return 42; }", "cell [13]", 1);
        java.beginCell();
        interruptAfter(1000); // once the method runs, not while the cell compiles
        long t0 = System.nanoTime();
        CellError e = assertThrows(CellError.class, () -> java.eval("int kept = untilInterrupted();\nint notRun = 1;", "cell [14]", 1));
        assertEquals("Interrupted", e.name(), "the cell still counts as interrupted");
        assertTrue(System.nanoTime() - t0 < JavaEvaluator.INTERRUPT_GRACE.toNanos(), "it ended by itself, before any forced stop");
        java.beginCell();
        assertEquals(42, java.eval("kept", "cell [15]", 1).value(), "the assignment happened");
        assertEquals("CompilationError", assertThrows(CellError.class, () -> java.eval("notRun", "cell [16]", 1)).name());
    }

    @Test
    void codeThatHeedsInterruptsGetsLongerThanTheGracePeriodToEnd() throws Exception {
        long slowStepMillis = JavaEvaluator.INTERRUPT_GRACE.toMillis() + 1000;
        java.eval("int slowSteps() { try (var heeding = io.github.alexlab.train.HeedsInterrupts.begin()) {"
                + " while (true) { long end = System.currentTimeMillis() + " + slowStepMillis + ";"
                + " while (System.currentTimeMillis() < end) { }" // a step longer than the grace period
                + " if (Thread.interrupted()) return 7; } } }", "cell [19]", 1);
        java.beginCell();
        interruptAfter(1000); // once the step runs, not while the cell compiles
        assertEquals("Interrupted", assertThrows(CellError.class, () -> java.eval("int afterSlowSteps = slowSteps();", "cell [20]", 1)).name());
        java.beginCell();
        assertEquals(7, java.eval("afterSlowSteps", "cell [21]", 1).value(), "not stopped by force halfway through a step");
    }

    @Test
    void aValueIsRenderedWhereAnInterruptStopsIt() throws Exception {
        java.beginCell();
        Object endless = java.eval("new Object() { public String toString() { while (true) { } } }", "cell [17]", 1).value();
        interruptAfter(300);
        assertEquals("Interrupted", assertThrows(CellError.class, () -> java.render(endless)).name());
        java.beginCell();
        assertEquals("\"3\"", java.render(java.eval("1 + 2", "cell [18]", 1).value()).getAsJsonObject("data").get("text/plain").toString());
    }
}
