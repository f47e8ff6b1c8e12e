package io.github.alexlab.kernel.display;

import com.google.gson.JsonObject;
import io.github.alexlab.kernel.wire.MessageCodec;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.Png;
import io.github.alexlab.viz.TableView;
import io.github.alexlab.viz.TensorView;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.github.alexlab.lesson.TestReport;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.function.Function;

/**
 * The registry that turns a Java object into a Jupyter MIME bundle (text/plain always, plus
 * text/html, text/markdown, image/png, image/svg+xml... when a renderer for its class is registered).
 * Built on jupyter-jvm-basekernel's {@link Renderer}, which walks the class hierarchy for us.
 */
public final class Renderers {
    private final Renderer renderer = new Renderer();

    public Renderers() {
        register(Html.class, "text/html", Html::source);
        register(Markdown.class, "text/markdown", Markdown::source);
        register(Svg.class, "image/svg+xml", Svg::source);
        register(RenderedImage.class, "image/png", Renderers::pngBase64);
        // Where the picture cannot be shown, a line that says what it is, not BufferedImage's long toString.
        register(RenderedImage.class, "text/plain", image -> image.getClass().getSimpleName()
                + " " + image.getWidth() + "x" + image.getHeight());
        // A preview of a few hundred numbers, however large the array: INDArray.toString() would
        // print every one of them.
        register(INDArray.class, "text/html", TensorView::html);
        register(INDArray.class, "text/plain", TensorView::text);
        register(HtmlView.class, "text/html", HtmlView::toHtml);
        register(Table.class, "text/html", TableView::html);
        register(Table.class, "text/plain", TableView::text);
        // Both a bitmap and a vector picture: frontends pick SVG where they can, PNG elsewhere.
        register(Charts.Chart.class, "image/png", chart -> Base64.getEncoder().encodeToString(chart.png()));
        register(Charts.Chart.class, "image/svg+xml", chart -> chart.svg());
        register(Charts.Chart.class, "text/plain", Object::toString);
        // A lesson's test cell: the table for the student, the record for the grader.
        register(TestReport.class, "text/html", TestReport::html);
        register(TestReport.class, "text/plain", Object::toString);
        register(TestReport.class, TestReport.MIME, TestReport::record);
    }

    /**
     * Shows objects of {@code type} as {@code mime}; {@code render} returns the data (a String, or
     * base64 for binary types). Later registrations for the same class add more MIME types.
     */
    public <T> void register(Class<T> type, String mime, Function<? super T, Object> render) {
        MIMEType mimeType = MIMEType.parse(mime);
        renderer.createRegistration(type).supporting(mimeType)
                .register((value, context) -> context.renderIfRequested(mimeType, () -> render.apply(value)));
    }

    /** The MIME bundle of a value as {@code {"data": {...}, "metadata": {...}}}. Never throws. */
    public JsonObject bundle(Object value) {
        DisplayData data;
        try {
            data = value == null ? new DisplayData("null") : renderer.render(value);
        } catch (RuntimeException | LinkageError failed) {
            data = new DisplayData(safeToString(value) + "\n(could not render: " + failed + ")");
        }
        JsonObject json = MessageCodec.gson().toJsonTree(data).getAsJsonObject();
        JsonObject bundle = new JsonObject();
        bundle.add("data", json.has("data") ? json.get("data") : new JsonObject());
        bundle.add("metadata", json.has("metadata") ? json.get("metadata") : new JsonObject());
        return bundle;
    }

    private static String safeToString(Object value) {
        try {
            return String.valueOf(value);
        } catch (RuntimeException e) {
            return value.getClass().getName() + " (toString failed: " + e + ")";
        }
    }

    static String pngBase64(RenderedImage image) {
        return Png.base64(image);
    }
}
