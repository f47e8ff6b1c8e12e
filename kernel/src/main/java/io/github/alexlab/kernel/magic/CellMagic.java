package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;

/** {@code %%name args} on a cell's first line: the magic gets the rest of the cell as {@code body}. */
public interface CellMagic extends Magic {
    Outcome cell(String args, String body, MagicContext context) throws CellError;
}
