package io.github.alexlab.viz;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
        assertEquals(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line, xchart.getSeriesMap().get("roof").getXYSeriesRenderStyle());
        assertEquals(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter, xchart.getSeriesMap().get("kernels").getXYSeriesRenderStyle());
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
}
