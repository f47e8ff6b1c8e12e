package io.github.alexlab.viz;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYSeries;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {
    private static final double[] X = {1, 2, 3, 4};

    @Test
    void aLineChartIsAPngOfItsSize() throws Exception {
        var chart = Charts.line("Loss", "epoch", "loss").series("train", X, new double[]{2, 1, 0.5, 0.3});
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(chart.png()));
        assertEquals(Charts.WIDTH, png.getWidth());
        assertEquals(Charts.HEIGHT, png.getHeight());
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(chart.size(300, 200).png()));
        assertEquals(300, small.getWidth());
        assertEquals(200, small.getHeight());
    }

    @Test
    void theSvgIsWellFormedNamesItsSeriesAndHasUniqueIds() throws Exception {
        var chart = Charts.line("Speed-up", "n", "x").series("naive & slow", X, new double[]{1, 2, 4, 8})
                .series("blocked", List.of(1, 2, 3, 4), List.of(2.0, 5.0, 12.0, 30.0)).logY();
        String svg = chart.svg();
        assertTrue(svg.startsWith("<svg"), svg.substring(0, 100));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals("Speed-up", doc.getElementsByTagName("title").item(0).getTextContent());
        String desc = doc.getElementsByTagName("desc").item(0).getTextContent();
        assertTrue(desc.contains("naive & slow") && desc.contains("blocked"), desc);
        assertTrue(svg.contains("naive &amp; slow"));
        String other = chart.svg();
        assertFalse(other.isEmpty());
        String firstId = svg.replaceFirst("(?s).*?id=\"([^\"]+)\".*", "$1");
        assertFalse(other.contains("id=\"" + firstId + "\""), "every SVG gets its own ids");
    }

    @Test
    void barsAndScatterDrawToo() throws Exception {
        var bars = Charts.bar("Speed-up", "version", "x")
                .series("cpu", List.of("naive", "blocked", "simd"), new double[]{1, 5, 20})
                .series("gpu", new String[]{"naive", "blocked", "simd"}, new double[]{3, 50, 200})
                .logY();
        assertEquals(Charts.WIDTH, ImageIO.read(new ByteArrayInputStream(bars.png())).getWidth());
        assertTrue(bars.svg().contains("gpu"));
        var scatter = Charts.scatter("Weights", "before", "after").series("w", List.of(0.1, -0.2, 0.3));
        assertEquals(Charts.HEIGHT, scatter.image().getHeight());
        assertEquals(List.of("w"), scatter.seriesNames());
    }

    @Test
    void pointsAndLinesMixInOneChart() throws Exception {
        var chart = Charts.line("roof", "x", "y").logX().logY()
                .lines("roof", new double[]{0.1, 1, 10}, new double[]{1, 10, 10})
                .points("kernels", new double[]{0.5, 5}, new double[]{2, 6});
        var xchart = chart.xchart();
        assertEquals(XYSeries.XYSeriesRenderStyle.Line, xchart.getSeriesMap().get("roof").getXYSeriesRenderStyle());
        assertEquals(XYSeries.XYSeriesRenderStyle.Scatter, xchart.getSeriesMap().get("kernels").getXYSeriesRenderStyle());
        assertTrue(chart.png().length > 1000);
    }

    @Test
    void mistakesAreExplainedInWords() {
        var empty = assertThrows(IllegalStateException.class, () -> Charts.line("t", "x", "y").png());
        assertTrue(empty.getMessage().contains("no series"), empty.getMessage());
        var log = assertThrows(IllegalArgumentException.class,
                () -> Charts.line("t", "x", "y").series("s", X, new double[]{1, 0, 2, 3}).logY().png());
        assertTrue(log.getMessage().contains("'s'") && log.getMessage().contains("index 1"), log.getMessage());
        var lengths = assertThrows(IllegalArgumentException.class,
                () -> Charts.line("t", "x", "y").series("s", X, new double[]{1, 2}));
        assertTrue(lengths.getMessage().contains("4 x values but 2 y values"), lengths.getMessage());
        var categories = assertThrows(IllegalArgumentException.class, () -> Charts.bar("t", "x", "y")
                .series("a", List.of("p", "q"), new double[]{1, 2}).series("b", List.of("p", "r"), new double[]{1, 2}));
        assertTrue(categories.getMessage().contains("same"), categories.getMessage());
    }

    @Test
    void aLongTitleFitsWholeInThePicture() throws Exception {
        String title = "Speed-up over rung 1: theirs (Python to AVX, n = 4096) and ours (Java, n = 1024), log axis";
        assertEquals(90, title.length());
        var chart = Charts.line(title, "rung", "x faster").series("ours", X, new double[]{1, 2, 4, 8}).logY();
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(chart.png()));
        var styler = chart.xchart().getStyler();
        Font font = styler.getChartTitleFont();
        double titleWidth = font.getStringBounds(title, new FontRenderContext(null, true, true)).getWidth();
        assertTrue(titleWidth + 2 * styler.getChartPadding() <= png.getWidth(),
                "title " + titleWidth + " px wide in a " + png.getWidth() + " px picture");

        // In the pixels: the band the title is drawn in has ink, but none at the picture's edges.
        int band = styler.getChartPadding() + font.getSize() + 6, edge = 6;
        boolean titleDrawn = false;
        for (int y = 0; y < band; y++)
            for (int x = 0; x < png.getWidth(); x++) {
                boolean atEdge = x < edge || x >= png.getWidth() - edge;
                if (ink(png.getRGB(x, y))) {
                    titleDrawn = true;
                    assertFalse(atEdge, "title ink at column " + x + ", row " + y + " of a " + png.getWidth() + " px picture");
                }
            }
        assertTrue(titleDrawn, "no title in the top " + band + " rows");
    }

    @Test
    void aLongLegendWidensThePictureAndAShortOneDoesNot() {
        var shortNames = Charts.line("t", "x", "y").series("a", X, X);
        assertEquals(Charts.WIDTH, shortNames.width());
        var longNames = Charts.line("t", "x", "y").series("a measured series with a very long descriptive name indeed", X, X);
        assertTrue(longNames.width() > Charts.WIDTH, "width " + longNames.width());
        assertEquals(longNames.width(), longNames.image().getWidth());
    }

    private static boolean ink(int rgb) {
        int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        return r < 200 || g < 200 || b < 200;
    }

    @Test
    void tickLabelsAreShortAndGrouped() {
        var linear = Charts.line("t", "x", "y").series("s", new double[]{0.1, 0.2, 0.30000000000000004}, new double[]{0, 5e8, 1e9});
        var styler = linear.xchart().getStyler();
        assertEquals("0.3", styler.getxAxisTickLabelsFormattingFunction().apply(0.30000000000000004));
        assertEquals("800,000,000", styler.getyAxisTickLabelsFormattingFunction().apply(8e8));
        assertEquals("2e-4", styler.getyAxisTickLabelsFormattingFunction().apply(0.00019999999999999998));

        // A log axis takes a decimal pattern: decades as plain, grouped numbers down to 0.001.
        var log = Charts.bar("t", "x", "y").series("s", List.of("a", "b"), new double[]{0.01, 60000}).logY();
        DecimalFormat decades = new DecimalFormat(log.xchart().getStyler().getYAxisDecimalPattern(), DecimalFormatSymbols.getInstance(Locale.ROOT));
        assertEquals("10,000", decades.format(1e4));
        assertEquals("0.001", decades.format(1e-3));
        var tiny = Charts.line("t", "x", "y").series("s", X, new double[]{1e-8, 1e-6, 1e-4, 1e-2}).logY();
        DecimalFormat powers = new DecimalFormat(tiny.xchart().getStyler().getYAxisDecimalPattern(), DecimalFormatSymbols.getInstance(Locale.ROOT));
        assertEquals("1E-8", powers.format(1e-8));
        assertTrue(tiny.xchart().getStyler().isYAxisLogarithmicDecadeOnly(), "six decades: label the powers of ten");
        var narrow = Charts.line("t", "x", "y").series("s", X, new double[]{1, 2, 4, 8}).logY();
        assertFalse(narrow.xchart().getStyler().isYAxisLogarithmicDecadeOnly(), "1 to 8 would show a single label");
    }

    @Test
    void chartsSideBySideAreShownAtTheSizeTheyAreDrawn() throws Exception {
        var loss = Charts.line("LeNet-5: loss", "epoch", "cross-entropy").series("train", X, new double[]{2, 1, 0.5, 0.3})
                .series("test", X, new double[]{2.1, 1.2, 0.7, 0.6}).size(Charts.HALF_WIDTH, Charts.HALF_HEIGHT);
        var accuracy = Charts.line("LeNet-5: accuracy", "epoch", "accuracy").series("train", X, new double[]{0.5, 0.7, 0.8, 0.9})
                .size(Charts.HALF_WIDTH, Charts.HALF_HEIGHT);
        String html = Charts.sideBySide(loss, accuracy);
        Matcher img = Pattern.compile("<img width=\"(\\d+)\" height=\"(\\d+)\" style=\"([^\"]*)\"[^>]*base64,([^\"]+)\"").matcher(html);
        int images = 0, rowWidth = 8;
        while (img.find()) {
            images++;
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(4))));
            assertEquals(png.getWidth(), Integer.parseInt(img.group(1)), "shown at the width it was drawn");
            assertEquals(png.getHeight(), Integer.parseInt(img.group(2)));
            assertEquals("max-width:100%;height:auto", img.group(3), "shrunk only where the page is narrower");
            rowWidth += png.getWidth() + 8;
        }
        assertEquals(2, images, html.substring(0, Math.min(300, html.length())));
        // Classic Jupyter at a 1280-pixel window leaves about 960 pixels for an output.
        assertTrue(rowWidth <= 960, "the two need " + rowWidth + " px");
    }
}
