package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code %%timeit [-n LOOPS] [-r RUNS] [-o]} (and {@code %timeit code}): compiles the code once, as
 * the body of a lambda, then {@link Timeit} calls it many times, so what is timed is the code and
 * not JShell compiling it. {@code -o} makes the {@link Timeit.Result} the cell's value.
 */
final class TimeitMagic implements LineMagic, CellMagic {
    @Override
    public List<String> names() {
        return List.of("timeit");
    }

    @Override
    public String summary() {
        return "time code over many loops: median and spread per loop [-n loops] [-r runs] [-o]";
    }

    @Override
    public Outcome line(String args, MagicContext context) throws CellError {
        Options o = Options.parse(args, context);
        return timeit(o.rest(), o, context);
    }

    @Override
    public Outcome cell(String args, String body, MagicContext context) throws CellError {
        Options o = Options.parse(args, context);
        if (!o.rest().isBlank())
            throw context.usageError("timeit", "unexpected argument '" + o.rest() + "'; the code goes on the next lines");
        return timeit(body, o, context);
    }

    private static Outcome timeit(String body, Options o, MagicContext context) throws CellError {
        if (body.isBlank())
            throw context.usageError("timeit", "nothing to time");
        String statements = context.evaluator().consumeTrailingExpression(body, Timeit.class.getName() + ".consume");
        // Line 1 of this code stands for the magic's line, so the body keeps its own cell line numbers.
        String code = Timeit.class.getName() + ".run(() -> {\n" + statements + "\n}, " + o.loops() + ", " + o.runs() + ")";
        Outcome outcome = context.eval(code, context.firstLine() + (body.equals(o.rest()) ? -1 : 0));
        if (!(outcome.value() instanceof Timeit.Result result))
            throw context.usageError("timeit", "the timed code did not run");
        System.out.println(result);
        return o.returnResult() ? outcome : Outcome.NOTHING;
    }

    private record Options(int loops, int runs, boolean returnResult, String rest) {
        static Options parse(String args, MagicContext context) throws CellError {
            int loops = 0, runs = 7;
            boolean returnResult = false;
            List<String> words = new ArrayList<>(List.of(args.strip().split("\\s+", -1)));
            int i = 0;
            try {
                for (; i < words.size() && words.get(i).startsWith("-") && words.get(i).length() > 1; i++) {
                    switch (words.get(i)) {
                        case "-n" -> loops = positive(words.get(++i));
                        case "-r" -> runs = positive(words.get(++i));
                        case "-o" -> returnResult = true;
                        default -> throw context.usageError("timeit", "unknown option " + words.get(i) + " (known: -n LOOPS, -r RUNS, -o)");
                    }
                }
            } catch (IndexOutOfBoundsException | NumberFormatException e) {
                throw context.usageError("timeit", "-n and -r take a positive whole number");
            }
            return new Options(loops, runs, returnResult, String.join(" ", words.subList(Math.min(i, words.size()), words.size())).strip());
        }

        private static int positive(String s) {
            int v = Integer.parseInt(s);
            if (v <= 0)
                throw new NumberFormatException(s);
            return v;
        }
    }
}
