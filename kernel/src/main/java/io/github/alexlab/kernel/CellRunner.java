package io.github.alexlab.kernel;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.kernel.magic.MagicContext;
import io.github.alexlab.kernel.magic.MagicRegistry;

import java.util.List;

/**
 * Runs one cell: a cell magic when the first line is {@code %%name}; otherwise, in order, the runs
 * of Java lines and the {@code %name} lines between them (a Java statement never starts with %).
 * The cell's value is that of its last part.
 */
final class CellRunner {
    private final JavaEvaluator evaluator;
    private final MagicRegistry magics;

    CellRunner(JavaEvaluator evaluator, MagicRegistry magics) {
        this.evaluator = evaluator;
        this.magics = magics;
    }

    Outcome run(String cell, String label) throws CellError {
        List<String> lines = cell.lines().toList();
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank())
            first++;
        if (first < lines.size() && lines.get(first).stripLeading().startsWith("%%")) {
            String[] head = splitMagic(lines.get(first).stripLeading().substring(2));
            String body = String.join("\n", lines.subList(first + 1, lines.size()));
            MagicContext context = new MagicContext(evaluator, magics, label, first + 1);
            return magics.cell(head[0]).orElseThrow(() -> unknown("%%" + head[0], context)).cell(head[1], body, context);
        }
        Outcome outcome = Outcome.NOTHING;
        StringBuilder code = new StringBuilder();
        int codeStart = 1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.stripLeading().startsWith("%")) {
                if (code.length() == 0)
                    codeStart = i + 1;
                code.append(line).append('\n');
                continue;
            }
            if (!code.toString().isBlank())
                evaluator.eval(code.toString(), label, codeStart);
            code.setLength(0);
            String[] head = splitMagic(line.stripLeading().substring(1));
            MagicContext context = new MagicContext(evaluator, magics, label, i + 1);
            outcome = magics.line(head[0]).orElseThrow(() -> unknown("%" + head[0], context)).line(head[1], context);
        }
        if (!code.toString().isBlank())
            outcome = evaluator.eval(code.toString(), label, codeStart);
        return outcome;
    }

    private static String[] splitMagic(String text) {
        String[] parts = text.strip().split("\\s+", 2);
        return new String[]{parts[0], parts.length > 1 ? parts[1] : ""};
    }

    private CellError unknown(String name, MagicContext context) {
        return new CellError("MagicError", "unknown magic " + name,
                List.of("unknown magic " + name + " (" + context.cellLabel() + " line " + context.firstLine() + ")",
                        "known magics: " + magics.names() + "  (%lsmagic describes them)"));
    }
}
