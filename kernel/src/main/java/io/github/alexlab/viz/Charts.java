package io.github.alexlab.viz;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Charts in one line each, drawn in Java with XChart (no JavaScript, so they look the same in
 * Jupyter, in a static notebook viewer and offline):
 * <pre>{@code
 * Charts.line("Training", "epoch", "loss").series("train", epochs, trainLoss).series("test", epochs, testLoss)
 * Charts.bar("Speed-up over the naive loop", "version", "x").series("speed-up", names, speedups).logY()
 * Charts.scatter("Weights", "before", "after").series("conv1", before, after)
 * }</pre>
 * As the value of a cell a chart shows as a picture (PNG and SVG); {@link Chart#save} writes one
 * to a file, and {@link XY#xchart()} / {@link Bars#xchart()} give an XChart chart with the same
 * settings for anything these helpers do not cover.
 */
public final class Charts {
    public static final int WIDTH = 700, HEIGHT = 400;
    /**
     * The size for two charts side by side ({@link #sideBySide}). Classic Jupyter at a 1280-pixel
     * window gives outputs about 960 pixels: two of these and the gap fit there unscaled, so their
     * 12-pixel labels stay 12 pixels on screen.
     */
    public static final int HALF_WIDTH = 460, HALF_HEIGHT = 320;

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final int PADDING = 12;
    /** The share of the width the plot keeps when a wide legend stands beside it. */
    private static final double PLOT_SHARE = 0.6;
    /** A legend entry's sample line or box, and the legend's own padding, around its text. */
    private static final int LEGEND_EXTRA = 60;
    /** How text is measured: as XChart draws it, antialiased with fractional widths. */
    private static final FontRenderContext MEASURE = new FontRenderContext(null, true, true);

    private Charts() {}

    /** Lines through the points of each series. */
    public static XY line(String title, String xLabel, String yLabel) {
        return new XY(title, xLabel, yLabel, XYSeries.XYSeriesRenderStyle.Line);
    }

    /** Points only. */
    public static XY scatter(String title, String xLabel, String yLabel) {
        return new XY(title, xLabel, yLabel, XYSeries.XYSeriesRenderStyle.Scatter);
    }

    /** Bars over named categories; several series stand side by side. */
    public static Bars bar(String title, String xLabel, String yLabel) {
        return new Bars(title, xLabel, yLabel);
    }

    /**
     * What every chart can do; {@code C} is the chart's own type, so that calls chain. A chart
     * keeps what it was told and draws a fresh XChart chart each time, so its size and axes can
     * change after series were added.
     */
    public abstract static class Chart<C extends Chart<C>> {
        final String title, xLabel, yLabel;
        final List<String> seriesNames = new ArrayList<>();
        final List<double[]> seriesY = new ArrayList<>();
        boolean logY;
        int width = WIDTH, height = HEIGHT;

        Chart(String title, String xLabel, String yLabel) {
            this.title = title == null ? "" : title;
            this.xLabel = xLabel == null ? "" : xLabel;
            this.yLabel = yLabel == null ? "" : yLabel;
        }

        /** A new XChart chart with everything this one was told. */
        abstract org.knowm.xchart.internal.chartpart.Chart<?, ?> build();

        /** The same, {@code width} pixels wide. */
        abstract org.knowm.xchart.internal.chartpart.Chart<?, ?> xchart(int width);

        boolean legendShown() {
            return true;
        }

        abstract C self();

        public String title() {
            return title;
        }

        public List<String> seriesNames() {
            return List.copyOf(seriesNames);
        }

        /** A logarithmic y axis: speed-ups, losses, anything spanning powers of ten. */
        public C logY() {
            return logY(true);
        }

        public C logY(boolean logarithmic) {
            logY = logarithmic;
            return self();
        }

        /**
         * The picture's size in pixels (default {@value Charts#WIDTH} x {@value Charts#HEIGHT}); the
         * picture grows wider where its title or legend needs more room (see {@link #width()}).
         */
        public C size(int width, int height) {
            if (width < 50 || height < 50)
                throw new IllegalArgumentException("a chart needs at least 50 x 50 pixels, got " + width + " x " + height);
            this.width = width;
            this.height = height;
            return self();
        }

        /**
         * The width drawn: the width asked for, or more where the title would be cut off or a long
         * legend would squeeze the plot.
         */
        public int width() {
            double longestName = seriesNames.stream().mapToDouble(name -> textWidth(name, LEGEND_FONT)).max().orElse(0);
            int legendWidth = legendShown() ? (int) Math.ceil(longestName) + LEGEND_EXTRA : 0;
            int wide = Math.max(width, (int) (PLOT_SHARE * width) + legendWidth);
            if (title.isEmpty() || seriesNames.isEmpty())
                return wide;
            // XChart centres the title over the plot, which the y axis pushes right and the legend
            // left: the title needs its own width plus that shift. A trial layout measures the y axis.
            var trial = xchart(wide);
            trial.paint(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics(), wide, height);
            double shift = Math.abs(trial.getYAxisLeftWidth() - legendWidth);
            int titleWidth = (int) Math.ceil(textWidth(title, TITLE_FONT) + shift) + 2 * PADDING + 8;
            return Math.max(wide, titleWidth);
        }

        public int height() {
            return height;
        }

        /** The chart drawn as a picture. */
        public BufferedImage image() {
            return BitmapEncoder.getBufferedImage(drawable());
        }

        /** The chart as PNG bytes. */
        public byte[] png() {
            try {
                return BitmapEncoder.getBitmapBytes(drawable(), BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The chart as an SVG document that can be put inline in HTML: no XML prolog, a title and
         * description (the chart's title and series names, for screen readers and search), and ids
         * made unique, so that two charts on one page do not borrow each other's clip paths.
         */
        public String svg() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                VectorGraphicsEncoder.saveVectorGraphic(drawable(), out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return inlineSvg(out.toString(StandardCharsets.UTF_8), title, seriesNames);
        }

        /** Writes the chart to {@code path}: SVG if it ends in .svg, PNG otherwise. */
        public Path save(String path) {
            Path file = Path.of(path);
            try {
                if (path.toLowerCase(Locale.ROOT).endsWith(".svg"))
                    Files.writeString(file, svg());
                else
                    Files.write(file, png());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return file;
        }

        /** XChart would fail deep inside its drawing code; say what is wrong in words instead. */
        private org.knowm.xchart.internal.chartpart.Chart<?, ?> drawable() {
            if (seriesNames.isEmpty())
                throw new IllegalStateException("chart '" + title + "' has no series yet: add one with .series(...)");
            if (logY)
                requirePositive("y", seriesNames, seriesY);
            return build();
        }

        void added(String name, double[] y) {
            if (seriesNames.contains(name))
                throw new IllegalArgumentException("chart '" + title + "' already has a series '" + name + "'");
            seriesNames.add(name);
            seriesY.add(y);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + " chart '" + title + "' " + width + "x" + height + " " + seriesNames;
        }
    }

    /** A line or scatter chart: series of (x, y) points. */
    public static final class XY extends Chart<XY> {
        private final XYSeries.XYSeriesRenderStyle style;
        private final List<double[]> seriesX = new ArrayList<>();
        private final List<XYSeries.XYSeriesRenderStyle> seriesStyle = new ArrayList<>(); // null: the chart's
        private boolean logX;

        XY(String title, String xLabel, String yLabel, XYSeries.XYSeriesRenderStyle style) {
            super(title, xLabel, yLabel);
            this.style = style;
        }

        public XY series(String name, double[] x, double[] y) {
            if (x.length != y.length)
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
            if (x.length == 0)
                throw new IllegalArgumentException("series '" + name + "' has no points");
            added(name, y.clone());
            seriesX.add(x.clone());
            seriesStyle.add(null);
            return this;
        }

        /** A series drawn as points only, whatever the chart's style (measurements under a roofline). */
        public XY points(String name, double[] x, double[] y) {
            series(name, x, y);
            seriesStyle.set(seriesStyle.size() - 1, XYSeries.XYSeriesRenderStyle.Scatter);
            return this;
        }

        /** A series drawn as a line, whatever the chart's style (a model or ceiling over measured points). */
        public XY lines(String name, double[] x, double[] y) {
            series(name, x, y);
            seriesStyle.set(seriesStyle.size() - 1, XYSeries.XYSeriesRenderStyle.Line);
            return this;
        }

        /** y against 0, 1, 2, ... */
        public XY series(String name, double[] y) {
            double[] x = new double[y.length];
            Arrays.setAll(x, i -> i);
            return series(name, x, y);
        }

        public XY series(String name, List<? extends Number> x, List<? extends Number> y) {
            return series(name, doubles(x), doubles(y));
        }

        public XY series(String name, List<? extends Number> y) {
            return series(name, doubles(y));
        }

        /** A logarithmic x axis (batch sizes, matrix sizes). */
        public XY logX() {
            return logX(true);
        }

        public XY logX(boolean logarithmic) {
            logX = logarithmic;
            return this;
        }

        /** A new XChart chart with all of this one's settings, for styling beyond these helpers. */
        public XYChart xchart() {
            return xchart(width());
        }

        @Override
        XYChart xchart(int width) {
            XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                    .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
            readable(chart.getStyler());
            tickLabels(chart.getStyler(), logX, seriesX, true);
            tickLabels(chart.getStyler(), logY, seriesY, false);
            chart.getStyler().setDefaultSeriesRenderStyle(style);
            chart.getStyler().setMarkerSize(style == XYSeries.XYSeriesRenderStyle.Scatter ? 6 : 5);
            chart.getStyler().setXAxisLogarithmic(logX);
            chart.getStyler().setYAxisLogarithmic(logY);
            for (int s = 0; s < seriesNames.size(); s++) {
                XYSeries series = chart.addSeries(seriesNames.get(s), seriesX.get(s).clone(), seriesY.get(s).clone());
                XYSeries.XYSeriesRenderStyle own = seriesStyle.get(s) == null ? style : seriesStyle.get(s);
                series.setXYSeriesRenderStyle(own);
                // Markers help a few points; on a long curve they only blur it.
                if (own == XYSeries.XYSeriesRenderStyle.Line && seriesX.get(s).length > 30)
                    series.setMarker(SeriesMarkers.NONE);
            }
            return chart;
        }

        @Override
        XYChart build() {
            if (logX)
                requirePositive("x", seriesNames, seriesX);
            return xchart();
        }

        @Override
        XY self() {
            return this;
        }
    }

    /** A bar chart: one bar per category and series. */
    public static final class Bars extends Chart<Bars> {
        private List<String> categories;

        Bars(String title, String xLabel, String yLabel) {
            super(title, xLabel, yLabel);
        }

        public Bars series(String name, List<String> categories, List<? extends Number> values) {
            return series(name, categories, doubles(values));
        }

        public Bars series(String name, String[] categories, double[] values) {
            return series(name, Arrays.asList(categories), values);
        }

        public Bars series(String name, List<String> categories, double[] values) {
            if (categories.size() != values.length)
                throw new IllegalArgumentException("series '" + name + "': " + categories.size() + " categories but "
                        + values.length + " values");
            if (values.length == 0)
                throw new IllegalArgumentException("series '" + name + "' has no bars");
            if (this.categories != null && !this.categories.equals(categories))
                throw new IllegalArgumentException("series '" + name + "' has categories " + categories
                        + ", the chart has " + this.categories + ": every series needs the same ones");
            added(name, values.clone());
            this.categories = List.copyOf(categories);
            return this;
        }

        /** A new XChart chart with all of this one's settings, for styling beyond these helpers. */
        public CategoryChart xchart() {
            return xchart(width());
        }

        @Override
        CategoryChart xchart(int width) {
            CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title)
                    .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
            readable(chart.getStyler());
            chart.getStyler().setOverlapped(false);
            chart.getStyler().setYAxisLogarithmic(logY);
            // Bars grow from 0, which a log axis lacks: from the power of ten below the smallest bar
            // (0.1 for a bar of 1, so that it still shows).
            double bottom = Math.pow(10, Math.floor(Math.log10(0.9 * smallest(seriesY))));
            if (logY)
                chart.getStyler().setYAxisMin(bottom);
            List<double[]> yRange = new ArrayList<>(seriesY);
            yRange.add(new double[]{bottom});
            tickLabels(chart.getStyler(), logY, yRange, false);
            // Slanted names where side by side they would run into each other.
            double names = categories == null ? 0 : categories.stream().mapToDouble(c -> textWidth(c + "  ", TICK_FONT)).sum();
            if (categories != null && (categories.size() > 8 || names > PLOT_SHARE * width))
                chart.getStyler().setXAxisLabelRotation(45);
            chart.getStyler().setLegendVisible(legendShown());
            for (int s = 0; s < seriesNames.size(); s++) {
                List<Double> ys = new ArrayList<>();
                for (double v : seriesY.get(s))
                    ys.add(v);
                chart.addSeries(seriesNames.get(s), new ArrayList<>(categories), ys);
            }
            return chart;
        }

        @Override
        CategoryChart build() {
            return xchart();
        }

        /** One series of bars needs no legend: the axis title says what they are, and the plot gets the room. */
        @Override
        boolean legendShown() {
            return seriesNames.size() > 1;
        }

        @Override
        Bars self() {
            return this;
        }
    }

    private static double smallest(List<double[]> values) {
        double min = Double.POSITIVE_INFINITY;
        for (double[] v : values)
            for (double x : v)
                if (x > 0)
                    min = Math.min(min, x);
        return min == Double.POSITIVE_INFINITY ? 1 : min;
    }

    private static double largest(List<double[]> values) {
        return values.stream().flatMapToDouble(Arrays::stream).filter(x -> x > 0).max().orElse(1);
    }

    private static void requirePositive(String axis, List<String> names, List<double[]> values) {
        for (int s = 0; s < values.size(); s++)
            for (int i = 0; i < values.get(s).length; i++)
                if (!(values.get(s)[i] > 0))
                    throw new IllegalArgumentException("a logarithmic " + axis + " axis needs values > 0, but series '"
                            + names.get(s) + "' has " + values.get(s)[i] + " at index " + i);
    }

    /**
     * Charts in a row, each shown at the size it was drawn (shrunk only where the page is narrower),
     * wrapping onto a second line when the row does not fit: a browser that scales a picture down
     * scales its labels down with it. Draw them at {@link #HALF_WIDTH} x {@link #HALF_HEIGHT} to
     * have two on one line.
     */
    public static String sideBySide(Chart<?>... charts) {
        StringBuilder html = new StringBuilder("<div style=\"display:flex;flex-wrap:wrap;gap:8px\">");
        for (Chart<?> chart : charts)
            html.append("<img width=\"").append(chart.width()).append("\" height=\"").append(chart.height())
                    .append("\" style=\"max-width:100%;height:auto\" alt=\"").append(Escape.html(chart.title()))
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(chart.png()))
                    .append("\"/>");
        return html.append("</div>").toString();
    }

    // ---- shared -------------------------------------------------------------------------------

    static double textWidth(String text, Font font) {
        return text.isEmpty() ? 0 : font.getStringBounds(text, MEASURE).getWidth();
    }

    /**
     * Tick labels people read: XChart's own print 0.30000000000000004, 8E8 and 1E4. A linear axis
     * gets 6 significant digits (enough for any tick step, and float noise gone) with thousands
     * separators; a log axis, whose ticks are powers of ten, plain decimals down to 0.001.
     */
    private static void tickLabels(AxesChartStyler styler, boolean logarithmic, List<double[]> values, boolean xAxis) {
        styler.setLocale(Locale.ROOT); // 1,000.5 whatever the machine's language
        if (logarithmic) {
            // XChart's log axis ignores a formatting function, but takes a decimal pattern.
            String pattern = smallest(values) >= 1e-3 ? "#,##0.###" : "0.#E0";
            // Within a decade or two, label 2, 3, ... 9 too, or the axis shows a single number.
            boolean decadesOnly = largest(values) / smallest(values) >= 100;
            if (xAxis)
                styler.setXAxisDecimalPattern(pattern).setXAxisLogarithmicDecadeOnly(decadesOnly);
            else
                styler.setYAxisDecimalPattern(pattern).setYAxisLogarithmicDecadeOnly(decadesOnly);
        } else if (xAxis) {
            styler.setxAxisTickLabelsFormattingFunction(v -> Numbers.significant(v, 6));
        } else {
            styler.setyAxisTickLabelsFormattingFunction(v -> Numbers.significant(v, 6));
        }
    }

    /** Fonts a projector can show, a white background, the legend out of the data's way. */
    private static void readable(AxesChartStyler styler) {
        styler.setChartTitleFont(TITLE_FONT);
        styler.setAxisTitleFont(AXIS_TITLE_FONT);
        styler.setAxisTickLabelsFont(TICK_FONT);
        styler.setLegendFont(LEGEND_FONT);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.GRAY);
        styler.setPlotGridLinesColor(new Color(0xE0E0E0));
        styler.setChartPadding(PADDING);
        styler.setAntiAlias(true);
    }

    private static double[] doubles(List<? extends Number> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            Number n = values.get(i);
            out[i] = n == null ? Double.NaN : n.doubleValue();
        }
        return out;
    }

    private static final AtomicLong SVG_COUNT = new AtomicLong();
    private static final Pattern PROLOG = Pattern.compile("\\A\\s*(<\\?xml[^>]*\\?>\\s*)?(<!DOCTYPE[^>]*>\\s*)?");
    private static final Pattern ID = Pattern.compile("id=\"([^\"]+)\"");

    /** See {@link Chart#svg()}. */
    static String inlineSvg(String svg, String title, List<String> seriesNames) {
        String body = PROLOG.matcher(svg).replaceFirst("");
        // Unique ids: inline SVGs share the page's id space.
        String prefix = "alexlab-chart" + SVG_COUNT.incrementAndGet() + "-";
        Matcher ids = ID.matcher(body);
        List<String> found = new ArrayList<>();
        while (ids.find())
            found.add(ids.group(1));
        for (String id : found)
            body = body.replace("id=\"" + id + "\"", "id=\"" + prefix + id + "\"")
                    .replace("url(#" + id + ")", "url(#" + prefix + id + ")")
                    .replace("href=\"#" + id + "\"", "href=\"#" + prefix + id + "\"");
        // XChart draws text as outlines; say in words what the picture shows.
        int open = body.indexOf('>', body.indexOf("<svg"));
        String words = "<title>" + Escape.html(title) + "</title><desc>"
                + Escape.html("series: " + String.join(", ", seriesNames)) + "</desc>";
        return body.substring(0, open + 1) + words + body.substring(open + 1);
    }
}
