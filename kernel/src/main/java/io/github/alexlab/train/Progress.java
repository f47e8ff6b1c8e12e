package io.github.alexlab.train;

import io.github.alexlab.viz.Escape;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.Numbers;
import io.github.alexlab.viz.Units;

import java.util.Locale;

/**
 * Where a training run stands: a progress bar the notebook redraws in place (the Trainer sends
 * it with {@code update_display_data} a few times a second), or one line of text elsewhere.
 *
 * @param epoch       1-based epoch being run
 * @param epochs      epochs in all
 * @param batch       batches done in this epoch
 * @param batches     batches per epoch
 * @param loss        mean training loss so far in this epoch
 * @param accuracy    training accuracy so far in this epoch
 * @param elapsedSeconds time since training started
 * @param note        a word on the state: "", "evaluating: ...", "done", "interrupted"
 */
public record Progress(int epoch, int epochs, int batch, int batches, double loss, double accuracy,
                       double elapsedSeconds, String note) implements HtmlView {

    /** Fraction of the whole run done, 0..1. */
    public double fraction() {
        double perEpoch = batches == 0 ? 1 : (double) batch / batches;
        return Math.min(1, ((epoch - 1) + perEpoch) / Math.max(1, epochs));
    }

    /** Seconds left at the pace so far (NaN before the first batch). */
    public double remainingSeconds() {
        double f = fraction();
        return f <= 0 ? Double.NaN : elapsedSeconds * (1 - f) / f;
    }

    @Override
    public String toHtml() {
        int percent = (int) Math.round(100 * fraction());
        String colour = note.equals("interrupted") ? "#d9822b" : "#2b7bd9";
        return "<div style=\"font-family:sans-serif;font-size:13px;max-width:640px\">"
                + "<div style=\"background:#e8e8e8;border-radius:4px;height:14px;overflow:hidden\">"
                + "<div style=\"background:" + colour + ";height:14px;width:" + percent + "%\"></div></div>"
                + "<div style=\"margin-top:4px\">" + Escape.html(toString()) + "</div></div>";
    }

    /** The same moment with a word on the state ("done", "interrupted"). */
    public Progress note(String note) {
        return new Progress(epoch, epochs, batch, batches, loss, accuracy, elapsedSeconds, note);
    }

    /** The same moment while the test data is evaluated: how many of its images are done. */
    public Progress evaluating(long done, long total) {
        return note("evaluating: " + Numbers.grouped(done) + " of " + Numbers.grouped(total) + " test images");
    }

    @Override
    public String toString() {
        String eta = note.isEmpty() && !Double.isNaN(remainingSeconds()) ? ", about " + Units.clock(remainingSeconds()) + " left" : "";
        // Before the first step ends there is no loss to show yet.
        String figures = Double.isNaN(loss) ? "starting…" : String.format(Locale.ROOT, "loss %.4f, accuracy %.1f%%", loss, 100 * accuracy);
        return String.format(Locale.ROOT, "epoch %d/%d, batch %d/%d: %s, %s%s%s",
                epoch, epochs, batch, batches, figures, Units.clock(elapsedSeconds), eta, note.isEmpty() ? "" : " (" + note + ")");
    }
}
