package io.github.alexlab.train;

import io.github.alexlab.nn.Linear;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ComparisonTest {
    private static History history(double... secondsThenAccuracies) {
        History h = new History("net");
        h.add(new History.Epoch(1, 0.1, 1.0, 0.5, 1.1, 0.45, secondsThenAccuracies[0]));
        h.add(new History.Epoch(2, 0.1, 0.5, secondsThenAccuracies[1], 0.6, secondsThenAccuracies[2], secondsThenAccuracies[3]));
        return h;
    }

    @Test
    void aRowPerNetworkWithItsCostAndWhatItBought() {
        var cmp = new Comparison("walk");
        var small = new Linear("fc", 4, 2);        // 10 parameters, 8 multiply-adds per input
        var big = new Linear("fc", 4, 8);          // 40 parameters, 32 multiply-adds
        cmp.add("small", "a start", small, new long[]{1, 4}, history(1.0, 0.8, 0.75, 3.0));
        var row = cmp.add("big", "wider", big, new long[]{1, 4}, history(2.0, 0.9, 0.85, 4.0));
        assertEquals(new Comparison.Row("big", "wider", 40, 32, 3.0, 0.9, 0.85, false), row);
        var t = cmp.table();
        assertEquals(2, t.rowCount());
        assertEquals(2.0, t.doubleColumn("s / epoch").get(0), 1e-12, "mean of 1 s and 3 s");
        assertEquals(0.85, t.doubleColumn("test accuracy").get(1), 1e-12);
        assertEquals(2, cmp.accuracyChart().seriesNames().size());
        String html = cmp.toHtml();
        assertTrue(html.contains("<table") && html.contains("data:image/png;base64,"), html);
    }

    @Test
    void refusesWhatItCannotCompare() {
        var cmp = new Comparison("empty");
        assertTrue(cmp.toHtml().contains("nothing trained yet"));
        assertThrows(IllegalStateException.class, cmp::accuracyChart);
        var e = assertThrows(IllegalArgumentException.class,
                () -> cmp.add("net", "", new Linear("fc", 2, 2), new long[]{1, 2}, new History("net")));
        assertEquals("net: the history has no finished epoch to compare", e.getMessage());
    }
}
