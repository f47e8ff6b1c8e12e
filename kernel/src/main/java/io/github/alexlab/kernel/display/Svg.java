package io.github.alexlab.kernel.display;

/** An SVG picture, kept as vector graphics in the notebook: {@code svg("<svg ...>...</svg>")}. */
public record Svg(String source) {
    @Override
    public String toString() {
        return "SVG image (" + source.length() + " characters)";
    }
}
