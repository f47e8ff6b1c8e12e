package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import java.util.List;

/** What a magic may use: the evaluator, the registry, and where in the cell it stands. */
public record MagicContext(JavaEvaluator evaluator, MagicRegistry registry, String cellLabel, int firstLine) {
    /** Runs Java code that starts on {@code line} of the cell (for error positions). */
    public Outcome eval(String code, int line) throws CellError {
        return evaluator.eval(code, cellLabel, line);
    }

    /** An error that points at the magic's line, for bad arguments. */
    public CellError usageError(String magic, String message) {
        return new CellError("MagicError", message,
                List.of("%" + magic + ": " + message + " (" + cellLabel + " line " + firstLine + ")"));
    }
}
