package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;

import java.util.List;

/** {@code %lsmagic}: lists the magics. */
final class LsMagic implements LineMagic {
    @Override
    public List<String> names() {
        return List.of("lsmagic");
    }

    @Override
    public String summary() {
        return "list the magics";
    }

    @Override
    public Outcome line(String args, MagicContext context) {
        System.out.println("Magics (line magics: %name args on a line of its own; cell magics: %%name args on the first line):");
        context.registry().listing().forEach(l -> System.out.println("  " + l));
        return Outcome.NOTHING;
    }
}
