package io.github.alexlab.viz;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorViewTest {
    @Test
    void numbersAreShortAndKeepFourSignificantDigits() {
        assertEquals("0", Numbers.compact(0));
        assertEquals("1", Numbers.compact(1));
        assertEquals("-2.5", Numbers.compact(-2.5));
        assertEquals("0.1235", Numbers.compact(0.123456));
        assertEquals("1235", Numbers.compact(1234.5));
        assertEquals("1.235e+05", Numbers.compact(123456));
        assertEquals("1e-05", Numbers.compact(0.00001));
        assertEquals("NaN", Numbers.compact(Double.NaN));
        assertEquals("-Inf", Numbers.compact(Double.NEGATIVE_INFINITY));
    }

    @Test
    void aSmallMatrixShowsHeaderAndEveryValue() {
        INDArray a = Nd4j.arange(12).reshape(3, 4);
        String text = TensorView.text(a);
        assertEquals("INDArray [3, 4] · FLOAT · CPU · min 0 · max 11 · mean 5.5\n"
                + "[[ 0,  1,  2,  3],\n"
                + " [ 4,  5,  6,  7],\n"
                + " [ 8,  9, 10, 11]]", text);
        String html = TensorView.html(a);
        assertTrue(html.contains("[3, 4]"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">11</td>"), html);
        assertTrue(html.contains("<table"), html);
    }

    @Test
    void longDimensionsShowTheirFirstAndLastThree() {
        String text = TensorView.text(Nd4j.arange(20));
        assertTrue(text.endsWith("\n[ 0,  1,  2,  …, 17, 18, 19]"), text);
        String matrix = TensorView.text(Nd4j.arange(100).reshape(10, 10));
        assertTrue(matrix.contains(" …,\n"), matrix);
        assertTrue(matrix.contains("99]]"), matrix);
        assertFalse(matrix.contains(" 55"), matrix);
    }

    @Test
    void rank4ShowsLabelledSlicesOfBothEnds() {
        INDArray a = Nd4j.arange(64 * 3 * 28 * 28).reshape(64, 3, 28, 28);
        String text = TensorView.text(a);
        assertTrue(text.contains("[0, 0, :, :] ="), text);
        assertTrue(text.contains("[63, 2, :, :] ="), text);
        assertFalse(text.contains("[2, 0, :, :]"), text);
        assertTrue(countNumbers(text) < 500, "a preview of a few hundred numbers, got " + countNumbers(text));
        String html = TensorView.html(a);
        assertTrue(html.contains("[63, 2, :, :]"), html);
    }

    @Test
    void aHugeArrayRendersQuicklyAndBriefly() {
        INDArray big = Nd4j.rand(DataType.FLOAT, 300, 100, 1000); // 30 million entries
        TensorView.html(big); // the first call pays for loading code
        long start = System.nanoTime();
        String html = TensorView.html(big);
        String text = TensorView.text(big);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2000, "took " + millis + " ms");
        assertTrue(html.length() < 30_000, "html of " + html.length() + " chars");
        assertTrue(countNumbers(text) < 500, text);
    }

    @Test
    void scalarsEmptyArraysAndOtherTypes() {
        assertEquals("INDArray scalar · DOUBLE · CPU\n2.5", TensorView.text(Nd4j.scalar(2.5)));
        assertTrue(TensorView.html(Nd4j.scalar(2.5)).contains("2.5"));
        assertEquals("INDArray [0, 3] · FLOAT · CPU · empty", TensorView.text(Nd4j.create(DataType.FLOAT, 0, 3)));
        assertTrue(TensorView.html(Nd4j.create(DataType.FLOAT, 0, 3)).contains("empty"));
        assertEquals("INDArray [3] · LONG · CPU · min 1 · max 3 · mean 2\n[1, 2, 3]",
                TensorView.text(Nd4j.createFromArray(new long[]{1, 2, 3})));
        assertEquals("INDArray [2] · BOOL · CPU\n[ true, false]",
                TensorView.text(Nd4j.createFromArray(new boolean[]{true, false})));
    }

    @Test
    void htmlIsEscaped() {
        String html = TensorView.html(Nd4j.create("a", "<b>"));
        assertTrue(html.contains("&lt;b&gt;"), html);
        assertFalse(html.contains("<b>"), html);
    }

    private static int countNumbers(String text) {
        Matcher m = Pattern.compile("-?\\d+(\\.\\d+)?(e[-+]\\d+)?").matcher(text.substring(text.indexOf('\n') + 1));
        int n = 0;
        while (m.find())
            n++;
        return n;
    }
}
