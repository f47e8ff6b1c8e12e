package io.github.alexlab.viz;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pictures of image-like arrays: [H, W] as one grayscale image, [C, H, W] as a grid of C
 * grayscale tiles, [N, C, H, W] as a grid with one row per image and one column per channel;
 * {@link #rgb} draws 3-channel arrays in colour instead.
 * <p>
 * Each tile is min-max normalised on its own (black = its smallest value, white = its largest;
 * a constant tile is mid gray; NaN is red), so feature maps of very different ranges all stay
 * visible. Small tiles are enlarged by whole pixels (nearest neighbour: no blur, each value
 * stays a crisp square) to at least {@value #MIN_TILE_PX} pixels.
 */
public final class TensorImages {
    /** At most this many tiles (or RGB images); a caption says how many were left out. */
    public static final int MAX_TILES = 64;
    /** A small tile is enlarged by a whole factor until its longer side reaches this. */
    static final int MIN_TILE_PX = 112;
    /** Pixels between tiles. */
    static final int GAP = 2;
    /** Tiles per row where the shape does not decide it ([C, H, W], RGB images). */
    static final int COLUMNS = 8;

    private static final int BACKGROUND = 0xFFFFFF;
    private static final int NAN_COLOR = 0xFF0000;

    private TensorImages() {}

    /** [H, W], [C, H, W] or [N, C, H, W] as grayscale tiles. */
    public static BufferedImage grid(INDArray x) {
        long[] shape = x.shape();
        switch (x.rank()) {
            case 2 -> {
                requireImage(shape, "grid", "[H, W], [C, H, W] or [N, C, H, W]");
                return layout(List.of(grayTile(x)), 1, null);
            }
            case 3 -> {
                requireImage(shape, "grid", "[H, W], [C, H, W] or [N, C, H, W]");
                int shown = (int) Math.min(shape[0], MAX_TILES);
                List<int[]> tiles = new ArrayList<>();
                for (int c = 0; c < shown; c++)
                    tiles.add(grayTile(x.get(NDArrayIndex.point(c))));
                String caption = shown < shape[0]
                        ? "channels 0-" + (shown - 1) + " of " + shape[0] + " shown (" + (shape[0] - shown) + " left out)"
                        : null;
                return layout(tiles, Math.min(shown, COLUMNS), caption);
            }
            case 4 -> {
                requireImage(shape, "grid", "[H, W], [C, H, W] or [N, C, H, W]");
                int columns = (int) Math.min(shape[1], MAX_TILES);
                int rows = (int) Math.min(shape[0], Math.max(1, MAX_TILES / columns));
                List<int[]> tiles = new ArrayList<>();
                for (int n = 0; n < rows; n++)
                    for (int c = 0; c < columns; c++)
                        tiles.add(grayTile(x.get(NDArrayIndex.point(n), NDArrayIndex.point(c))));
                long leftOut = shape[0] * shape[1] - (long) rows * columns;
                String caption = leftOut > 0
                        ? rows + " of " + shape[0] + " images x " + columns + " of " + shape[1]
                        + " channels shown (" + leftOut + " tiles left out)"
                        : null;
                return layout(tiles, columns, caption);
            }
            default -> throw new IllegalArgumentException(
                    "show expects [H, W], [C, H, W] or [N, C, H, W], got " + Arrays.toString(shape) + " (rank " + x.rank() + ")");
        }
    }

    /** [3, H, W] as one colour image, or [N, 3, H, W] as a row-wrapped grid of N colour images. */
    public static BufferedImage rgb(INDArray x) {
        long[] shape = x.shape();
        String expected = "[3, H, W] or [N, 3, H, W]";
        if (x.rank() == 3 && shape[0] == 3) {
            requireImage(shape, "showRgb", expected);
            return layout(List.of(rgbTile(x)), 1, null);
        }
        if (x.rank() == 4 && shape[1] == 3) {
            requireImage(shape, "showRgb", expected);
            int shown = (int) Math.min(shape[0], MAX_TILES);
            List<int[]> tiles = new ArrayList<>();
            for (int n = 0; n < shown; n++)
                tiles.add(rgbTile(x.get(NDArrayIndex.point(n))));
            String caption = shown < shape[0]
                    ? "images 0-" + (shown - 1) + " of " + shape[0] + " shown (" + (shape[0] - shown) + " left out)"
                    : null;
            return layout(tiles, Math.min(shown, COLUMNS), caption);
        }
        throw new IllegalArgumentException("showRgb expects " + expected + ", got " + Arrays.toString(shape)
                + " (rank " + x.rank() + ")");
    }

    private static void requireImage(long[] shape, String what, String expected) {
        for (long size : shape)
            if (size == 0)
                throw new IllegalArgumentException(what + " expects " + expected + " with no empty dimension, got "
                        + Arrays.toString(shape));
        if (shape[shape.length - 1] * shape[shape.length - 2] > Integer.MAX_VALUE / 4)
            throw new IllegalArgumentException(what + ": images of " + Arrays.toString(shape) + " are too large to draw");
    }

    // ---- tiles: an [H, W] slice as packed RGB pixels, prefixed by its height and width ----------

    /** {height, width, rgb...}: the slice normalised to 0-255 gray. */
    private static int[] grayTile(INDArray slice) {
        int h = (int) slice.size(0), w = (int) slice.size(1);
        double[] v = values(slice);
        double[] range = range(v);
        int[] tile = new int[2 + h * w];
        tile[0] = h;
        tile[1] = w;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                tile[2 + i] = NAN_COLOR;
                continue;
            }
            int g = level(v[i], range);
            tile[2 + i] = g << 16 | g << 8 | g;
        }
        return tile;
    }

    /** {height, width, rgb...}: the three channels normalised together, so colours keep their balance. */
    private static int[] rgbTile(INDArray chw) {
        int h = (int) chw.size(1), w = (int) chw.size(2);
        double[] v = values(chw);
        double[] range = range(v);
        int plane = h * w;
        int[] tile = new int[2 + plane];
        tile[0] = h;
        tile[1] = w;
        for (int i = 0; i < plane; i++) {
            double r = v[i], g = v[plane + i], b = v[2 * plane + i];
            tile[2 + i] = Double.isNaN(r) || Double.isNaN(g) || Double.isNaN(b) ? NAN_COLOR
                    : level(r, range) << 16 | level(g, range) << 8 | level(b, range);
        }
        return tile;
    }

    /** The entries in row-major order, as doubles, whatever the type and layout (views too). */
    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** {min, max} of the finite values; {0, 0} when there are none. */
    private static double[] range(double[] v) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double x : v)
            if (Double.isFinite(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        return min > max ? new double[]{0, 0} : new double[]{min, max};
    }

    /** 0-255; a constant tile is mid gray, +/-Inf are white/black. */
    static int level(double v, double[] range) {
        if (v == Double.POSITIVE_INFINITY)
            return 255;
        if (v == Double.NEGATIVE_INFINITY)
            return 0;
        double span = range[1] - range[0];
        if (span <= 0)
            return 128;
        return (int) Math.round(Math.max(0, Math.min(1, (v - range[0]) / span)) * 255);
    }

    // ---- the grid -------------------------------------------------------------------------------

    /** Tiles of one size, {@code columns} per row, enlarged, with gaps, and an optional caption below. */
    private static BufferedImage layout(List<int[]> tiles, int columns, String caption) {
        int h = tiles.get(0)[0], w = tiles.get(0)[1];
        int scale = Math.max(1, (MIN_TILE_PX + Math.max(h, w) - 1) / Math.max(h, w));
        int rows = (tiles.size() + columns - 1) / columns;
        int tileW = w * scale, tileH = h * scale;
        int width = columns * tileW + (columns - 1) * GAP;
        int height = rows * tileH + (rows - 1) * GAP;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        int captionHeight = 0;
        if (caption != null) {
            FontMetrics metrics = metrics(font);
            if (metrics != null) {
                captionHeight = metrics.getHeight() + 6;
                width = Math.max(width, metrics.stringWidth(caption) + 8);
            }
        }
        BufferedImage image = new BufferedImage(width, height + captionHeight, BufferedImage.TYPE_INT_RGB);
        int[] background = new int[image.getWidth() * image.getHeight()];
        Arrays.fill(background, BACKGROUND);
        image.setRGB(0, 0, image.getWidth(), image.getHeight(), background, 0, image.getWidth());
        int[] row = new int[tileW];
        for (int t = 0; t < tiles.size(); t++) {
            int[] tile = tiles.get(t);
            int x0 = (t % columns) * (tileW + GAP), y0 = (t / columns) * (tileH + GAP);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++)
                    Arrays.fill(row, x * scale, (x + 1) * scale, tile[2 + y * w + x]);
                for (int dy = 0; dy < scale; dy++)
                    image.setRGB(x0, y0 + y * scale + dy, tileW, 1, row, 0, tileW);
            }
        }
        if (captionHeight > 0) {
            Graphics2D g = image.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setColor(Color.DARK_GRAY);
                g.setFont(font);
                g.drawString(caption, 4, height + 3 + g.getFontMetrics().getAscent());
            } finally {
                g.dispose();
            }
        }
        return image;
    }

    /** Font metrics, or null where the JVM has no fonts at all (then the caption is left out). */
    private static FontMetrics metrics(Font font) {
        try {
            BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = probe.createGraphics();
            try {
                return g.getFontMetrics(font);
            } finally {
                g.dispose();
            }
        } catch (RuntimeException | LinkageError noFonts) {
            return null;
        }
    }
}
