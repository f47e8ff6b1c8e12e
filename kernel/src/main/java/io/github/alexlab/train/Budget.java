package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;

import java.util.Locale;

/**
 * How much training a notebook does: epochs and the number of training images. A notebook names
 * its own defaults; {@code ALEXLAB_EPOCHS} and {@code ALEXLAB_DATASET_LIMIT} shorten the run on
 * a slow machine or in CI (the test suite sets them). Notebooks print the budget they ran with,
 * so that a figure is never read without knowing how it was obtained.
 */
public record Budget(int epochs, int examples, boolean fromEnvironment) {
    public static final String EPOCHS_VARIABLE = "ALEXLAB_EPOCHS";
    /** "No limit" for {@link #examples}: every image of the training set. */
    public static final int ALL = Integer.MAX_VALUE;

    public Budget {
        if (epochs < 1)
            throw new IllegalArgumentException("a budget needs at least 1 epoch, got " + epochs);
        if (examples < 1)
            throw new IllegalArgumentException("a budget needs at least 1 training image, got " + examples);
    }

    /** The notebook's defaults, each replaced by its environment variable when that is set. */
    public static Budget fromEnvironment(int defaultEpochs, int defaultExamples) {
        String epochs = System.getenv(EPOCHS_VARIABLE), limit = System.getenv(DataLoader.LIMIT_VARIABLE);
        boolean set = (epochs != null && !epochs.isBlank()) || (limit != null && !limit.isBlank());
        return new Budget(parseEpochs(epochs, defaultEpochs), DataLoader.datasetLimitFromEnvironment(defaultExamples), set);
    }

    static int parseEpochs(String value, int defaultEpochs) {
        if (value == null || value.isBlank())
            return defaultEpochs;
        try {
            int epochs = Integer.parseInt(value.trim());
            if (epochs < 1)
                throw new NumberFormatException();
            return epochs;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(EPOCHS_VARIABLE + " must be a whole number >= 1, got '" + value + "'");
        }
    }

    /** The number of images of a training set of {@code size} that this budget uses. */
    public int examplesOf(int size) {
        return Math.min(size, examples);
    }

    @Override
    public String toString() {
        String images = examples == ALL ? "every training image" : "at most " + String.format(Locale.ROOT, "%,d", examples) + " training images";
        return "Budget: " + epochs + (epochs == 1 ? " epoch" : " epochs") + " on " + images
                + (fromEnvironment ? " (shortened by " + EPOCHS_VARIABLE + " / " + DataLoader.LIMIT_VARIABLE + ")"
                : " (the notebook's own budget; " + EPOCHS_VARIABLE + " and " + DataLoader.LIMIT_VARIABLE + " shorten it)");
    }
}
