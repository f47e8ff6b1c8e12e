package io.github.alexlab.viz;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableViewTest {
    @Test
    void cellsNamesAndCaptionAreEscapedAndNumbersRightAligned() {
        Table t = Table.create("<results> & more",
                StringColumn.create("model <name>", "LeNet <5>", "\"Alex\" & Net"),
                DoubleColumn.create("accuracy", 0.91, 0.87));
        String html = TableView.html(t);
        assertTrue(html.contains("<caption"), html);
        assertTrue(html.contains("&lt;results&gt; &amp; more</caption>"), html);
        assertTrue(html.contains(">model &lt;name&gt;</th>"), html);
        assertTrue(html.contains(">LeNet &lt;5&gt;</td>"), html);
        assertTrue(html.contains(">&quot;Alex&quot; &amp; Net</td>"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">0.91</td>"), html);
        assertFalse(html.contains("<5>"), html);
        assertFalse(html.contains("more rows"), html);
    }

    @Test
    void longTablesStopAfter50RowsAndSayHowManyMore() {
        int[] values = new int[120];
        for (int i = 0; i < values.length; i++)
            values[i] = i * 10;
        String html = TableView.html(Table.create("long", IntColumn.create("n", values)));
        assertEquals(50, html.split("<tr>", -1).length - 2); // 50 rows and the header row
        assertTrue(html.contains(">490</td>"), html);
        assertFalse(html.contains(">500</td>"), html);
        assertTrue(html.contains("… 70 more rows"), html);
    }

    @Test
    void plainTextIsTablesawsOwn() {
        Table t = Table.create("small", IntColumn.create("n", 1, 2));
        assertEquals(t.print(), TableView.text(t));
    }
}
