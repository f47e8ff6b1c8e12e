package io.github.alexlab.kernel.display;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import io.github.alexlab.viz.Charts;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RenderersTest {
    private final Renderers renderers = new Renderers();

    @Test
    void anImageBecomesAPngOfTheSamePixelsAndAShortTextLine() throws Exception {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 1, 0xFF8000);
        JsonObject data = renderers.bundle(image).getAsJsonObject("data");

        byte[] png = Base64.getDecoder().decode(data.get("image/png").getAsString());
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(3, back.getWidth());
        assertEquals(2, back.getHeight());
        assertEquals(0xFF8000, back.getRGB(2, 1) & 0xFFFFFF);
        assertEquals("BufferedImage 3x2", data.get("text/plain").getAsString());
    }

    @Test
    void htmlAndMarkdownKeepTheirSourceAndPlainValuesTheirToString() {
        assertEquals("<b>x</b>", renderers.bundle(new Html("<b>x</b>")).getAsJsonObject("data").get("text/html").getAsString());
        assertEquals("*y*", renderers.bundle(new Markdown("*y*")).getAsJsonObject("data").get("text/markdown").getAsString());
        JsonObject data = renderers.bundle(List.of(1, 2)).getAsJsonObject("data");
        assertEquals("[1, 2]", data.get("text/plain").getAsString());
        assertFalse(data.has("text/html"));
    }

    @Test
    void aValueWhoseToStringThrowsIsShownWithTheFailureNotAnException() {
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text today");
            }
        };
        String text = renderers.bundle(broken).getAsJsonObject("data").get("text/plain").getAsString();
        Assertions.assertTrue(text.contains("no text today"), text);
    }

    @Test
    void tensorsTablesAndChartsHaveTheirOwnPictures() throws Exception {
        JsonObject tensor = renderers.bundle(Nd4j.arange(12).reshape(3, 4)).getAsJsonObject("data");
        Assertions.assertTrue(tensor.get("text/html").getAsString().contains("[3, 4]"));
        Assertions.assertTrue(tensor.get("text/plain").getAsString().startsWith("INDArray [3, 4]"));

        var table = Table.create("t", IntColumn.create("n", 1, 2));
        JsonObject tableData = renderers.bundle(table).getAsJsonObject("data");
        Assertions.assertTrue(tableData.get("text/html").getAsString().contains("<table"));
        assertEquals(table.print(), tableData.get("text/plain").getAsString());

        var chart = Charts.line("c", "x", "y").series("s", new double[]{1, 2});
        JsonObject chartData = renderers.bundle(chart).getAsJsonObject("data");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(chartData.get("image/png").getAsString())));
        assertEquals(Charts.WIDTH, png.getWidth());
        Assertions.assertTrue(chartData.get("image/svg+xml").getAsString().startsWith("<svg"));
    }
}
