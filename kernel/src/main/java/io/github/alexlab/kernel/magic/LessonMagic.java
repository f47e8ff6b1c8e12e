package io.github.alexlab.kernel.magic;

import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.lesson.TestReport;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/** {@code %lesson}: the tests run so far in this kernel, with their points, as a table. */
final class LessonMagic implements LineMagic {
    @Override
    public List<String> names() {
        return List.of("lesson");
    }

    @Override
    public String summary() {
        return "the lesson's tests run so far in this kernel, with their points";
    }

    @Override
    public Outcome line(String args, MagicContext context) {
        Table table = Table.create("tests run so far", StringColumn.create("test"), StringColumn.create("status"),
                DoubleColumn.create("points"), DoubleColumn.create("of"));
        synchronized (TestMagic.REPORTS) {
            for (TestReport r : TestMagic.REPORTS.values()) {
                table.stringColumn("test").append(r.test());
                table.stringColumn("status").append(r.status());
                table.doubleColumn("points").append(r.points());
                table.doubleColumn("of").append(r.max());
            }
        }
        return new Outcome(true, table);
    }
}
