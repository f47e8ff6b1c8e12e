package io.github.alexlab.train;

import io.github.alexlab.data.Batch;
import io.github.alexlab.data.DataLoader;
import io.github.alexlab.nn.CrossEntropyLoss;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.viz.Escape;
import io.github.alexlab.viz.HtmlView;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.LongConsumer;

/**
 * How a model does on a data set: accuracy, mean loss, the confusion matrix (rows: true class,
 * columns: predicted class) and which examples it got wrong. The model runs in evaluation mode
 * (dropout off) and learns nothing.
 */
public final class Evaluation implements HtmlView {
    /** One example the model got wrong: its position in the data (in loader order), truth and guess. */
    public record Mistake(int index, int label, int predicted, double confidence) {}

    private List<String> classNames;
    private long[][] confusion;
    private final List<Mistake> mistakes = new ArrayList<>();
    private double lossSum;
    private long examples, correct;

    private Evaluation(List<String> classNames) {
        if (classNames != null)
            start(List.copyOf(classNames));
    }

    private void start(List<String> names) {
        classNames = names;
        confusion = new long[names.size()][names.size()];
    }

    /**
     * Runs the model over every batch (keep the loader unshuffled to relate mistakes to examples).
     * {@code classNames} may be null: the classes are then called "0", "1", ...
     */
    public static Evaluation of(Layer model, Iterable<Batch> data, List<String> classNames) {
        return of(model, data, classNames, examplesDone -> {});
    }

    /**
     * The same, telling {@code progress} how many examples are done after each batch. Kernel &gt;
     * Interrupt ends it between two batches with a {@link CancellationException}.
     */
    public static Evaluation of(Layer model, Iterable<Batch> data, List<String> classNames, LongConsumer progress) {
        Evaluation e = new Evaluation(classNames);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        model.train(false);
        for (Batch batch : data) {
            if (Thread.currentThread().isInterrupted()) // left set: the caller is being interrupted too
                throw new CancellationException("the evaluation was interrupted after " + e.examples + " examples");
            INDArray logits = model.forwardOnDevice(batch.images()); // on a GPU model: there and back
            e.lossSum += loss.forward(logits, batch.labels()) * batch.labels().length();
            e.count(loss.probabilities(), batch.labels());
            if (data instanceof DataLoader loader)
                loader.recycle(batch); // the next batch goes into its memory
            progress.accept(e.examples);
        }
        model.forgetActivations(); // the last batch's: an evaluation needs no backward
        if (e.classNames == null) // no data at all
            e.start(List.of());
        return e;
    }

    private void count(INDArray probabilities, INDArray labels) {
        if (classNames == null) {
            String[] names = new String[(int) probabilities.size(1)];
            Arrays.setAll(names, String::valueOf);
            start(List.of(names));
        }
        int n = (int) labels.length(), k = classNames.size();
        if (probabilities.size(1) != k)
            throw new IllegalArgumentException("the model gives " + probabilities.size(1) + " class scores, but there are "
                    + k + " class names");
        long[] predicted = probabilities.argMax(1).castTo(DataType.LONG).toLongVector();
        float[] truth = labels.castTo(DataType.FLOAT).toFloatVector();
        for (int i = 0; i < n; i++) {
            int y = (int) truth[i], p = (int) predicted[i];
            if (y < 0 || y >= k)
                throw new IllegalArgumentException("label " + y + " of example " + (examples + i) + " is not a class 0.." + (k - 1));
            confusion[y][p]++;
            if (y == p)
                correct++;
            else
                mistakes.add(new Mistake((int) examples + i, y, p, probabilities.getDouble(i, p)));
        }
        examples += n;
    }

    public double accuracy() {
        return examples == 0 ? Double.NaN : (double) correct / examples;
    }

    public double loss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }

    public long examples() {
        return examples;
    }

    /** confusion()[true class][predicted class] = how many examples. */
    public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++)
            copy[i] = confusion[i].clone();
        return copy;
    }

    /** The examples it got wrong, most confident first. */
    public List<Mistake> mistakes() {
        List<Mistake> sorted = new ArrayList<>(mistakes);
        sorted.sort((a, b) -> Double.compare(b.confidence(), a.confidence()));
        return Collections.unmodifiableList(sorted);
    }

    /** Accuracy of each class (the diagonal over the row sums). */
    public double classAccuracy(int label) {
        long row = 0;
        for (long c : confusion[label])
            row += c;
        return row == 0 ? Double.NaN : (double) confusion[label][label] / row;
    }

    public Table confusionTable() {
        Table t = Table.create("confusion (rows: true class, columns: predicted)");
        t.addColumns(StringColumn.create("true class", classNames));
        for (int p = 0; p < classNames.size(); p++) {
            int[] counts = new int[classNames.size()];
            for (int y = 0; y < classNames.size(); y++)
                counts[y] = (int) confusion[y][p];
            t.addColumns(IntColumn.create(classNames.get(p), counts));
        }
        return t;
    }

    /** Accuracy and loss, then the confusion matrix with each cell shaded by its share of the row. */
    @Override
    public String toHtml() {
        StringBuilder h = new StringBuilder("<div style=\"font-family:sans-serif;font-size:12px\">");
        h.append(Escape.html(toString())).append("<table style=\"border-collapse:collapse;margin-top:6px\"><tr><th style=\"text-align:right;padding:2px 6px\">true \\ predicted</th>");
        for (String name : classNames)
            h.append("<th style=\"padding:2px 4px;writing-mode:vertical-rl;transform:rotate(180deg)\">").append(Escape.html(name)).append("</th>");
        h.append("</tr>");
        for (int y = 0; y < classNames.size(); y++) {
            long row = 0;
            for (long c : confusion[y])
                row += c;
            h.append("<tr><th style=\"text-align:right;padding:2px 6px\">").append(Escape.html(classNames.get(y))).append("</th>");
            for (int p = 0; p < classNames.size(); p++) {
                double share = row == 0 ? 0 : (double) confusion[y][p] / row;
                String colour = y == p ? "43,123,217" : "217,72,43";
                h.append(String.format(Locale.ROOT, "<td style=\"padding:2px 6px;text-align:right;background:rgba(%s,%.2f)\">%d</td>",
                        colour, Math.min(1, share * (y == p ? 1 : 3)), confusion[y][p]));
            }
            h.append("</tr>");
        }
        return h.append("</table></div>").toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy %.4f (%d of %d), loss %.4f", accuracy(), correct, examples, loss());
    }
}
