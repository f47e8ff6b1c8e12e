package io.github.alexlab.lesson;

/**
 * One check's result: its name, whether it passed, what was expected and what came, and the
 * teacher's hint (shown only when it failed). {@link #hint} attaches the hint after the fact,
 * so a check reads as one line: {@code Check.shape(y, 2, 96, 55, 55).hint("(227 - 11) / 4 + 1 = 55");}
 */
public final class Verdict {
    private final String name, message;
    private final boolean passed;
    private String hint = "";

    Verdict(String name, boolean passed, String message) {
        this.name = name;
        this.passed = passed;
        this.message = message;
    }

    public Verdict hint(String text) {
        this.hint = text == null ? "" : text;
        return this;
    }

    public String name() {
        return name;
    }

    public boolean passed() {
        return passed;
    }

    public String message() {
        return message;
    }

    public String hint() {
        return hint;
    }

    @Override
    public String toString() {
        return (passed ? "ok    " : "FAIL  ") + name + (message.isEmpty() ? "" : ": " + message)
                + (!passed && !hint.isEmpty() ? " (hint: " + hint + ")" : "");
    }
}
