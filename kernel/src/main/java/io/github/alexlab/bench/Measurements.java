package io.github.alexlab.bench;

import io.github.alexlab.viz.Charts;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.TableView;
import io.github.alexlab.viz.Units;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * Several {@link Measurement}s side by side: a table (median, min, max, rates) and a bar chart. In a
 * notebook it shows as its table.
 * <pre>{@code
 * var results = new Measurements("Element-wise on the CPU");
 * results.add(Measure.of("relu", () -> Transforms.relu(x, false)).flops(n).bytes(8.0 * n).run());
 * results.table();  results.chart();
 * }</pre>
 */
public final class Measurements implements HtmlView {
    private final String title;
    private final List<Measurement> list = new ArrayList<>();

    public Measurements(String title) {
        this.title = title;
    }

    public Measurement add(Measurement m) {
        list.add(m);
        return m;
    }

    public List<Measurement> all() {
        return List.copyOf(list);
    }

    public Measurement get(String name) {
        return list.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no measurement named '" + name + "'; there are "
                        + list.stream().map(Measurement::name).toList()));
    }

    /** One row per measurement: where it ran, its runs, median/min/max in ms, and its rates where counted. */
    public Table table() {
        Table t = Table.create(title,
                StringColumn.create("work"), StringColumn.create("device"), IntColumn.create("runs"),
                DoubleColumn.create("median ms"), DoubleColumn.create("min ms"), DoubleColumn.create("max ms"),
                DoubleColumn.create("GFLOP/s"), DoubleColumn.create("GB/s"), DoubleColumn.create("FLOP/byte"));
        for (Measurement m : list) {
            t.stringColumn("work").append(m.name());
            t.stringColumn("device").append(m.device().toString());
            t.intColumn("runs").append(m.runs());
            t.doubleColumn("median ms").append(Units.round3(m.median() * 1e3));
            t.doubleColumn("min ms").append(Units.round3(m.min() * 1e3));
            t.doubleColumn("max ms").append(Units.round3(m.max() * 1e3));
            t.doubleColumn("GFLOP/s").append(Units.round3(m.gflops()));
            t.doubleColumn("GB/s").append(Units.round3(m.gbPerSecond()));
            t.doubleColumn("FLOP/byte").append(Units.round3(m.intensity()));
        }
        return t;
    }

    /** The median times as bars (log scale: measurements often span powers of ten). */
    public Charts.Bars chart() {
        return Charts.bar(title, "", "median time (ms)").logY()
                .series("median", list.stream().map(Measurement::name).toList(),
                        list.stream().mapToDouble(Measurement::medianMillis).toArray());
    }

    @Override
    public String toHtml() {
        return TableView.html(table());
    }

    @Override
    public String toString() {
        return TableView.text(table());
    }
}
