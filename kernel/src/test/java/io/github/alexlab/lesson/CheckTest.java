package io.github.alexlab.lesson;

import io.github.alexlab.nn.ReLU;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each check passes the right answer and catches a planted mistake, saying what and where. */
class CheckTest {
    @BeforeEach
    void record() {
        Verdicts.open();
    }

    @AfterEach
    void stop() {
        Verdicts.close();
    }

    @Test
    void shapeNamesWhatCame() {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 2, 96, 54, 54);
        assertTrue(Check.shape(y, 2, 96, 54, 54).passed());
        Verdict wrong = Check.shape(y, 2, 96, 55, 55).hint("(227 - 11) / 4 + 1 = 55");
        assertFalse(wrong.passed());
        assertEquals("got [2, 96, 54, 54]", wrong.message());
        assertEquals("(227 - 11) / 4 + 1 = 55", wrong.hint());
        assertFalse(Check.shape(null, 1).passed());
    }

    @Test
    void closeFindsTheWorstNumberAndItsPlace() {
        INDArray expected = Nd4j.createFromArray(new double[][] {{0, 1, 2}, {3, 4, 5}});
        assertTrue(Check.close(expected.dup(), expected, 0).passed());
        INDArray off = expected.dup();
        off.putScalar(1, 1, 4.5);
        off.putScalar(0, 2, 2.1);
        Verdict v = Check.close(off, expected, 1e-3);
        assertFalse(v.passed());
        assertEquals("2 of 6 numbers off; the worst at [1, 1]: expected 4.0, got 4.5", v.message());
        assertTrue(Check.close(off, expected, 0.2).passed()); // 0.5 / 4 = 0.125: relative for large numbers
        INDArray nan = expected.dup();
        nan.putScalar(0, 0, Double.NaN);
        assertFalse(Check.close(nan, expected, 1).passed());
        assertTrue(Check.close(Nd4j.zeros(3), expected, 1).message().startsWith("expected shape [2, 3], got [3]"));
        assertTrue(Check.close(0.1 + 0.2, 0.3, 1e-12).passed());
        assertFalse(Check.close(0.31, 0.3, 1e-3).passed());
    }

    @Test
    void gradientCheckPassesReluAndCatchesAWrongBackward() {
        INDArray x = Nd4j.createFromArray(-2.0, -1.5, -0.7, 0.3, 0.9, 1.6);
        assertTrue(Check.gradient(a -> Transforms.relu(a, true), (a, g) -> g.mul(a.gt(0).castTo(DataType.DOUBLE)), x).passed());
        // The classic mistake: masking by the gradient's sign instead of the input's.
        Verdict wrong = Check.gradient(a -> Transforms.relu(a, true), (a, g) -> g.mul(g.gt(0).castTo(DataType.DOUBLE)), x);
        assertFalse(wrong.passed());
        assertTrue(wrong.message().startsWith("relative error"), wrong.message());
        assertTrue(Check.layer(new ReLU("relu"), x).passed());
        assertFalse(Check.gradient(a -> a.mul(2), (a, g) -> g, x).passed()); // forgot the factor 2
    }

    @Test
    void gradientCheckComparesTinyGradientsAbsolutely() {
        // y = x0 + 1e-12 x1: the exact gradient for x1 is 1e-12 r, but nudging x1 by 1e-6 moves y by
        // 1e-18, below a double's resolution at 1, so central differences see 0 (or one rounding
        // step, 1e-10). Compared relatively, that right backward would fail; on the floor it passes.
        INDArray x = Nd4j.createFromArray(1.0, 1.0);
        assertTrue(Check.gradient(a -> Nd4j.createFromArray(a.getDouble(0) + 1e-12 * a.getDouble(1)),
                (a, g) -> Nd4j.createFromArray(g.getDouble(0), 1e-12 * g.getDouble(0)), x).passed());
        // ...and a wrong one still fails where the gradient is large enough to tell.
        Verdict wrong = Check.gradient(a -> a.mul(a).mul(0.5), (a, g) -> g.mul(a).mul(1.01), x);
        assertFalse(wrong.passed());
        assertTrue(wrong.message().contains("your backward"), wrong.message());
    }

    @Test
    void hashedChecksAnExactAnswerWithoutShowingIt() {
        String expected = Check.hash(61706);
        assertNotEquals("61706", expected);
        assertTrue(Check.hashed(61706L, expected).passed());
        assertTrue(Check.hashed(61706.0, "sha256:" + expected).passed());
        Verdict wrong = Check.hashed(61707, expected);
        assertFalse(wrong.passed());
        assertFalse(wrong.message().contains("61706"));
    }

    @Test
    void scoresGivePartialCreditAndNothingForNoChecks() {
        List<Verdict> checks = List.of(new Verdict("a", true, ""), new Verdict("b", false, "x"),
                new Verdict("c", true, ""), new Verdict("d", true, ""));
        TestReport report = TestReport.scored("relu/t", 2, checks, 0.1);
        assertEquals("failed", report.status());
        assertEquals(1.5, report.points(), 1e-12);
        assertEquals("passed", TestReport.scored("relu/t", 2, checks.subList(0, 1), 0).status());
        assertEquals(2, TestReport.scored("relu/t", 2, checks.subList(0, 1), 0).points());
        TestReport none = TestReport.scored("relu/t", 2, List.of(), 0);
        assertEquals("error", none.status());
        assertEquals(0, none.points());
        assertTrue(report.html().contains(">x</td>"), report.html());
    }

    @Test
    void stubsThrowTodoAndSecretsChangeTheInputs() {
        Todo todo = assertThrows(Todo.class, () -> {
            double slope = Lesson.todo("relu");
        });
        assertEquals("not done yet: relu (replace the stub with your code)", todo.getMessage());
        assertEquals(Lesson.random("relu").nextLong(), Lesson.random("relu").nextLong());
        assertNotEquals(Lesson.random("relu").nextLong(), Lesson.random("pool").nextLong());
    }

    @Test
    void recordsOnlyWhileOpen() {
        Verdicts.close();
        Verdicts.open();
        Check.that(true, "one");
        Check.equal(3, 4);
        List<Verdict> recorded = Verdicts.close();
        assertEquals(2, recorded.size());
        assertEquals("expected 4, got 3", recorded.get(1).message());
        Check.that(false, "printed, not recorded");
        assertEquals(List.of(), Verdicts.close());
        Verdicts.open();
    }
}
