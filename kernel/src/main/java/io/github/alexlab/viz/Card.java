package io.github.alexlab.viz;

import java.awt.image.RenderedImage;
import java.util.List;

/**
 * A small block of facts as HTML: a bold title, a plain note beside it, one line per fact and
 * an optional picture underneath. Every text is escaped here, so callers pass plain strings
 * (a layer step of the stepper is shown this way).
 */
public final class Card {
    private Card() {
    }

    /** {@code picture} may be null; {@code pictureText} is the picture's alternative text. */
    public static String html(String title, String note, List<String> lines, RenderedImage picture, String pictureText) {
        StringBuilder html = new StringBuilder("<div><b>").append(Escape.html(title)).append("</b>");
        if (note != null && !note.isEmpty())
            html.append(" (").append(Escape.html(note)).append(')');
        html.append("<br>\n");
        for (String line : lines)
            html.append(Escape.html(line)).append("<br>\n");
        if (picture != null)
            html.append("<img src=\"data:image/png;base64,").append(Png.base64(picture))
                    .append("\" alt=\"").append(Escape.html(pictureText)).append("\">\n");
        return html.append("</div>").toString();
    }
}
