package io.github.alexlab.viz;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.api.NumericColumn;

import java.util.List;

/**
 * A tablesaw {@link Table} as an HTML table: its name as the caption, a header row, every cell
 * escaped, numbers right-aligned, and at most {@value #MAX_ROWS} rows with a line that says how
 * many more there are.
 */
public final class TableView {
    /** Rows shown before "… N more rows". */
    public static final int MAX_ROWS = 50;

    private TableView() {}

    public static String html(Table table) {
        return html(table, MAX_ROWS);
    }

    static String html(Table table, int maxRows) {
        List<Column<?>> columns = table.columns();
        int rows = table.rowCount();
        int shown = Math.min(rows, maxRows);
        StringBuilder s = new StringBuilder("<div class=\"alexlab-table\"><table>");
        String name = table.name();
        if (name != null && !name.isBlank())
            s.append("<caption style=\"caption-side:top;text-align:left;font-weight:bold\">")
                    .append(Escape.html(name)).append("</caption>");
        s.append("<thead><tr>");
        for (Column<?> column : columns)
            s.append(cellTag("th", column)).append(Escape.html(column.name())).append("</th>");
        s.append("</tr></thead><tbody>");
        for (int r = 0; r < shown; r++) {
            s.append("<tr>");
            for (Column<?> column : columns)
                s.append(cellTag("td", column)).append(Escape.html(column.getString(r))).append("</td>");
            s.append("</tr>");
        }
        s.append("</tbody></table>");
        if (rows > shown)
            s.append("<div style=\"font-style:italic\">… ").append(rows - shown)
                    .append(rows - shown == 1 ? " more row" : " more rows").append("</div>");
        return s.append("</div>").toString();
    }

    /** tablesaw's own text rendering, for frontends without HTML. */
    public static String text(Table table) {
        return table.print();
    }

    private static String cellTag(String tag, Column<?> column) {
        return column instanceof NumericColumn<?>
                ? "<" + tag + " style=\"text-align:right\">"
                : "<" + tag + " style=\"text-align:left\">";
    }
}
