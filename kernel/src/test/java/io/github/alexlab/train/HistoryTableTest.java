package io.github.alexlab.train;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** History.toTable: figures rounded for people, the exact values kept for code. */
class HistoryTableTest {
    @Test
    void theTableShowsRoundedFiguresAndKeepsTheExactOnes() {
        History history = new History("LeNet-5");
        history.add(new History.Epoch(1, 0.01, 2.1956961364746093, 0.853712, 0.000480367989919239, 0.9, 7.625370623));
        history.add(new History.Epoch(2, 0.000480367989919239, 0.5, 1.0, Double.NaN, Double.NaN, 61.25));
        Table t = history.toTable();

        assertEquals("0.01", t.column("learning rate").getString(0));
        assertEquals("4.8e-4", t.column("learning rate").getString(1));
        assertEquals("2.196", t.column("train loss").getString(0));
        assertEquals("4.804e-4", t.column("test loss").getString(0));
        assertEquals("85.37%", t.column("train accuracy").getString(0));
        assertEquals("100.00%", t.column("train accuracy").getString(1));
        assertEquals("7.6", t.column("seconds").getString(0));
        assertEquals("61.3", t.column("seconds").getString(1));
        assertEquals("", t.column("test loss").getString(1), "no test data: an empty cell");

        assertEquals(2.1956961364746093, t.doubleColumn("train loss").get(0), "code reads the exact value");
        assertEquals(0.853712, t.doubleColumn("train accuracy").get(0));
        String text = t.print();
        assertTrue(text.contains("2.196") && !text.contains("2.1956961"), text);
    }
}
