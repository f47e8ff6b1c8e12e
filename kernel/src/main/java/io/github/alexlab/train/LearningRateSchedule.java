package io.github.alexlab.train;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * The learning rate as a function of training progress, measured in epochs: 0 at the start,
 * 1 after one pass over the training set, 2.5 halfway through the third epoch. Step s (counted
 * from 0) of epoch e (counted from 0) with n steps per epoch is at {@code e + s / n}, so a
 * schedule can change the rate at every step and still be described in epochs, as papers do.
 * <p>
 * Made by the factories in {@link LearningRate}; in a training loop:
 * <pre>
 *     sgd.setLearningRate(schedule.rate(epoch + (double) step / stepsPerEpoch));
 * </pre>
 */
public interface LearningRateSchedule {
    /** The learning rate at this point of training (epochs, fractional). */
    double rate(double epoch);

    /** The rate at step {@code step} of epoch {@code epoch} (both from 0), n steps per epoch. */
    default double rate(int epoch, int step, int stepsPerEpoch) {
        if (stepsPerEpoch < 1)
            throw new IllegalArgumentException("steps per epoch must be at least 1, got " + stepsPerEpoch);
        return rate(epoch + (double) step / stepsPerEpoch);
    }

    /**
     * The rate at every step of a run, for a chart in a notebook: columns "epoch" (fractional,
     * e + s / n) and "lr", one row per step.
     */
    default Table toTable(int epochs, int stepsPerEpoch) {
        if (epochs < 1 || stepsPerEpoch < 1)
            throw new IllegalArgumentException("need at least 1 epoch of at least 1 step, got " + epochs
                    + " epochs of " + stepsPerEpoch + " steps");
        DoubleColumn epoch = DoubleColumn.create("epoch"), lr = DoubleColumn.create("lr");
        for (int e = 0; e < epochs; e++)
            for (int s = 0; s < stepsPerEpoch; s++) {
                double at = e + (double) s / stepsPerEpoch;
                epoch.append(at);
                lr.append(rate(at));
            }
        return Table.create(toString(), epoch, lr);
    }
}
