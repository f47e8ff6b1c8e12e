package io.github.alexlab.train;

import java.util.function.DoubleUnaryOperator;

/** A schedule from {@link LearningRate}: its rule, and a description such as "cosine(0.1 -> 0.0 over 90 epochs)". */
final class Schedule implements LearningRateSchedule {
    private final String description;
    private final DoubleUnaryOperator rule;

    Schedule(String description, DoubleUnaryOperator rule) {
        this.description = description;
        this.rule = rule;
    }

    @Override
    public double rate(double epoch) {
        if (!(epoch >= 0))
            throw new IllegalArgumentException(description + ": epoch must be 0 or more, got " + epoch);
        return rule.applyAsDouble(epoch);
    }

    @Override
    public String toString() {
        return description;
    }
}
