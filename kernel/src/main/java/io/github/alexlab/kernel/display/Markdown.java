package io.github.alexlab.kernel.display;

/** Markdown the frontend renders: {@code markdown("**bold**")}. */
public record Markdown(String source) {
    @Override
    public String toString() {
        return source;
    }
}
