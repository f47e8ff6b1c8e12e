package io.github.alexlab.train;

import io.github.alexlab.nn.Layer;
import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.Numbers;
import io.github.alexlab.viz.Escape;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.TableView;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * Networks trained under one budget, side by side: what each one bought (train and test accuracy)
 * and what it cost (parameters, multiply-adds per image, seconds per epoch). Shows itself as a
 * table and two bar charts.
 */
public final class Comparison implements HtmlView {
    /** One trained network. Accuracies are those of the last epoch; train accuracy is measured during it. */
    public record Row(String name, String change, long parameters, long multiplyAdds, double secondsPerEpoch,
                      double trainAccuracy, double testAccuracy, boolean interrupted) {}

    private final String title;
    private final List<Row> rows = new ArrayList<>();

    public Comparison(String title) {
        this.title = title;
    }

    /** Adds a trained network; {@code imageShape} is one input, e.g. [1, 1, 28, 28], for the multiply-adds. */
    public Row add(String name, String change, Layer model, long[] imageShape, History history) {
        if (history.epochs().isEmpty())
            throw new IllegalArgumentException(name + ": the history has no finished epoch to compare");
        History.Epoch last = history.last();
        Row row = new Row(name, change, model.parameterCount(), model.multiplyAdds(imageShape), history.secondsPerEpoch(),
                last.trainAccuracy(), last.testAccuracy(), history.interrupted());
        rows.add(row);
        return row;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public Table table() {
        Table t = Table.create(title);
        LongColumn parameters = LongColumn.create("parameters", rows.stream().mapToLong(Row::parameters).toArray());
        parameters.setPrintFormatter(Numbers.groupedColumn());
        t.addColumns(StringColumn.create("network", rows.stream().map(Row::name).toList()), parameters,
                DoubleColumn.create("M multiply-adds / image", rows.stream().mapToDouble(r -> round(r.multiplyAdds() / 1e6, 2)).toArray()),
                DoubleColumn.create("s / epoch", rows.stream().mapToDouble(r -> round(r.secondsPerEpoch(), 1)).toArray()),
                DoubleColumn.create("train accuracy", rows.stream().mapToDouble(r -> round(r.trainAccuracy(), 4)).toArray()),
                DoubleColumn.create("test accuracy", rows.stream().mapToDouble(r -> round(r.testAccuracy(), 4)).toArray()));
        return t;
    }

    /** Train and test accuracy of each network: what the changes bought. */
    public Charts.Bars accuracyChart() {
        requireRows();
        List<String> names = rows.stream().map(Row::name).toList();
        return Charts.bar("What each change bought", "network", "accuracy")
                .series("train", names, rows.stream().mapToDouble(Row::trainAccuracy).toArray())
                .series("test", names, rows.stream().mapToDouble(Row::testAccuracy).toArray());
    }

    /** Seconds per epoch of each network: what the changes cost. */
    public Charts.Bars costChart() {
        requireRows();
        List<String> names = rows.stream().map(Row::name).toList();
        return Charts.bar("What each change cost", "network", "seconds per epoch")
                .series("seconds per epoch", names, rows.stream().mapToDouble(Row::secondsPerEpoch).toArray());
    }

    private void requireRows() {
        if (rows.isEmpty())
            throw new IllegalStateException("nothing to compare yet: add a trained network first");
    }

    @Override
    public String toHtml() {
        if (rows.isEmpty())
            return "<p>" + Escape.html(title) + ": nothing trained yet.</p>";
        return "<h4>" + Escape.html(title) + "</h4>" + TableView.html(table())
                + Charts.sideBySide(accuracyChart().size(Charts.HALF_WIDTH, Charts.HALF_HEIGHT),
                costChart().size(Charts.HALF_WIDTH, Charts.HALF_HEIGHT));
    }

    @Override
    public String toString() {
        return TableView.text(table());
    }

    private static double round(double x, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(x * scale) / scale;
    }
}
