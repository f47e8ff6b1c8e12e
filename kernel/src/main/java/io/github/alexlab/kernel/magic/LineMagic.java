package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;

/** {@code %name args}: a line of a cell. Its outcome is the cell's value when it is the last line. */
public interface LineMagic extends Magic {
    Outcome line(String args, MagicContext context) throws CellError;
}
