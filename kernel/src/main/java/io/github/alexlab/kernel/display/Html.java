package io.github.alexlab.kernel.display;

/** HTML to show as it is: {@code html("<b>bold</b>")} as a cell's value or through {@code display}. */
public record Html(String source) {
    @Override
    public String toString() {
        return source;
    }
}
