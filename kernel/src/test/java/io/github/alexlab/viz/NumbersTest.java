package io.github.alexlab.viz;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NumbersTest {
    @Test
    void significantDigitsWithoutFloatNoise() {
        assertEquals("0.3", Numbers.significant(0.1 + 0.2, 4));
        assertEquals("2.196", Numbers.significant(2.1956961364746093, 4));
        assertEquals("-2.196", Numbers.significant(-2.1956961364746093, 4));
        assertEquals("1,234,600", Numbers.significant(1234567, 5));
        assertEquals("1,009,945,728", Numbers.significant(1009945728, 10));
        assertEquals("0.001", Numbers.significant(0.00099996, 4), "rounding up to the next power of ten");
        assertEquals("4.804e-4", Numbers.significant(0.000480367989919239, 4));
        assertEquals("1e-4", Numbers.significant(1e-4, 3));
        assertEquals("1.2e15", Numbers.significant(1.2e15, 3));
        assertEquals("0", Numbers.significant(0, 4));
        assertEquals("NaN", Numbers.significant(Double.NaN, 4));
    }

    @Test
    void countsAndPercentages() {
        assertEquals("1,009,945,728", Numbers.grouped(1009945728));
        assertEquals("-1,000", Numbers.grouped(-1000));
        assertEquals("85.37%", Numbers.percent(0.853712, 2));
        assertEquals("100.00%", Numbers.percent(1, 2));
        assertEquals("0.00622%", Numbers.percentSignificant(6.2249e-5, 3));
        assertEquals("67%", Numbers.percentSignificant(0.67, 3));
        assertEquals("0%", Numbers.percentSignificant(0, 3));
    }

    @Test
    void aColumnShowsItsFormatButKeepsItsValues() {
        DoubleColumn loss = DoubleColumn.create("loss", 2.1956961364746093, Double.NaN);
        loss.setPrintFormatter(Numbers.column(x -> Numbers.significant(x, 4)));
        assertEquals("2.196", loss.getString(0));
        assertEquals("", loss.getString(1), "a missing value is an empty cell");
        assertEquals(2.1956961364746093, loss.get(0));
    }
}
