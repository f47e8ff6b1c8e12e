package io.github.alexlab.kernel;

import io.github.alexlab.kernel.display.Html;
import io.github.alexlab.kernel.display.Markdown;
import io.github.alexlab.kernel.display.Renderers;
import io.github.alexlab.kernel.display.Svg;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.train.LiveDisplay;
import io.github.alexlab.viz.TensorImages;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.util.UUID;

/**
 * What every cell can call without an import (the kernel runs {@code import static
 * io.github.alexlab.kernel.Notebook.*} at start): show things, update them in place, clear the
 * output, ask for input. Outside a notebook (plain Java, tests) the calls print text instead.
 */
public final class Notebook {
    /** The side of the kernel that the notebook functions talk to. */
    interface Frontend {
        void display(String displayId, Object value, boolean update);

        void clearOutput(boolean wait);

        String input(String prompt, boolean password);
    }

    private static final Renderers RENDERERS = new Renderers();
    private static volatile Frontend frontend;

    private Notebook() {}

    static void attach(Frontend kernelSide) {
        frontend = kernelSide;
        LiveDisplay.use(kernelSide == null ? null : IN_PLACE); // training's progress bar and curves redraw here
    }

    /** What training shows while it runs, redrawn in place below the cell. */
    private static final LiveDisplay IN_PLACE = new LiveDisplay() {
        @Override
        public boolean redrawsInPlace() {
            return true;
        }

        @Override
        public String show(Object value) {
            return display(value);
        }

        @Override
        public void update(String id, Object value) {
            updateDisplay(id, value);
        }
    };

    /** True inside the kernel, where display and updateDisplay reach a notebook; false in a plain program. */
    public static boolean attached() {
        return frontend != null;
    }

    /** Shows a value below the cell now (not only at its end) and returns its display id. */
    public static String display(Object value) {
        String id = UUID.randomUUID().toString();
        Frontend f = frontend;
        if (f == null)
            System.out.println(value);
        else
            f.display(id, value, false);
        return id;
    }

    /** Replaces what {@link #display} showed under {@code displayId} (a progress bar, a live chart). */
    public static void updateDisplay(String displayId, Object value) {
        Frontend f = frontend;
        if (f == null)
            System.out.println(value);
        else
            f.display(displayId, value, true);
    }

    /** Clears the cell's output now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears the cell's output; with {@code wait}, only when the next output arrives (no flicker). */
    public static void clearOutput(boolean wait) {
        Frontend f = frontend;
        if (f != null)
            f.clearOutput(wait);
    }

    /** Asks the person at the notebook for a line of text; null when the frontend allows no input. */
    public static String input(String prompt) {
        Frontend f = frontend;
        return f == null ? null : f.input(prompt, false);
    }

    /** Like {@link #input} but the frontend hides what is typed. */
    public static String password(String prompt) {
        Frontend f = frontend;
        return f == null ? null : f.input(prompt, true);
    }

    public static Html html(String source) {
        return new Html(source);
    }

    public static Markdown markdown(String source) {
        return new Markdown(source);
    }

    public static Svg svg(String source) {
        return new Svg(source);
    }

    /**
     * An image-like array as a picture: [H, W] one grayscale image, [C, H, W] one tile per
     * channel, [N, C, H, W] one row per image and one column per channel. Each tile is stretched
     * from its own minimum (black) to its maximum (white); small ones are enlarged.
     */
    public static BufferedImage show(INDArray x) {
        return TensorImages.grid(x);
    }

    /** A [3, H, W] array as one colour picture, or [N, 3, H, W] as N of them. */
    public static BufferedImage showRgb(INDArray x) {
        return TensorImages.rgb(x);
    }

    /**
     * Stops the cell with a clear message when {@code condition} is false. Notebooks use it so that
     * a number a student reads is also a number that was checked.
     */
    public static void check(boolean condition, String whatShouldHold) {
        if (!condition)
            throw new AssertionError("check failed: " + whatShouldHold);
    }

    /**
     * A copy of {@code x} in the first GPU's memory: the notebook form of {@code GpuArray.of(x, Device.gpu(0))}.
     * The copy is timed ({@code GpuArray.lastTransferSeconds()}); {@code toHost()} brings the numbers back
     * and {@code close()} frees the GPU memory. Without a GPU it says why.
     */
    public static GpuArray toGpu(INDArray x) {
        return GpuArray.of(x, Device.gpu(0));
    }

    /** The renderer registry: {@code renderers().register(MyType.class, "text/html", t -> ...)}. */
    public static Renderers renderers() {
        return RENDERERS;
    }
}
