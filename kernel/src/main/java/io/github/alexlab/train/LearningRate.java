package io.github.alexlab.train;

/**
 * Learning-rate schedules (see {@link LearningRateSchedule}: the rate as a function of progress
 * in epochs, e) and the linear scaling rule for the batch size.
 * <ul>
 * <li>{@link #constant}: lr.</li>
 * <li>{@link #step}: lr * factor^floor(e / every), e.g. divided by 10 every 30 epochs.</li>
 * <li>{@link #cosine}: from lr down to minLr along half a cosine.</li>
 * <li>{@link #warmup}: any schedule, started with a linear ramp.</li>
 * </ul>
 */
public final class LearningRate {
    /** Where {@link #warmup(LearningRateSchedule, double)} starts: 1% of the schedule's rate, near 0 but still a step. */
    public static final double WARMUP_START = 0.01;

    private LearningRate() {
    }

    /** The same rate throughout. */
    public static LearningRateSchedule constant(double lr) {
        requireRate("lr", lr);
        return new Schedule("constant(" + lr + ")", e -> lr);
    }

    /**
     * lr * factor^floor(e / everyEpochs): lr for the first everyEpochs epochs, then lr * factor,
     * then lr * factor^2 ... The change happens exactly at the boundary: step(0.1, 0.1, 30) gives
     * 0.1 up to epoch 29.99 and 0.01 from epoch 30.
     * <p>
     * AlexNet started at 0.01 and divided by 10 by hand whenever the validation error stopped
     * improving, three times in about 90 epochs. This is the fixed-interval version of that
     * (ResNet: divided by 10 every 30 epochs), which needs no watching.
     */
    public static LearningRateSchedule step(double lr, double factor, double everyEpochs) {
        requireRate("lr", lr);
        if (!(factor > 0 && factor <= 1))
            throw new IllegalArgumentException("step factor must be in (0, 1], e.g. 0.1 to divide by 10, got " + factor);
        if (!(everyEpochs > 0 && Double.isFinite(everyEpochs)))
            throw new IllegalArgumentException("step interval must be more than 0 epochs, got " + everyEpochs);
        return new Schedule("step(" + lr + " x " + factor + " every " + everyEpochs + " epochs)",
                e -> lr * Math.pow(factor, Math.floor(e / everyEpochs)));
    }

    /**
     * minLr + (lr - minLr) * (1 + cos(pi * e / totalEpochs)) / 2: lr at the start, halfway
     * between lr and minLr at totalEpochs / 2, minLr at totalEpochs and after
     * (Loshchilov and Hutter 2017, without restarts). It falls slowly at first, fastest in the
     * middle and slowly again at the end, with no boundaries to choose.
     */
    public static LearningRateSchedule cosine(double lr, double totalEpochs, double minLr) {
        requireRate("lr", lr);
        if (!(totalEpochs > 0 && Double.isFinite(totalEpochs)))
            throw new IllegalArgumentException("cosine schedule needs more than 0 epochs, got " + totalEpochs);
        if (!(minLr >= 0 && minLr <= lr))
            throw new IllegalArgumentException("cosine minLr must be in [0, lr = " + lr + "], got " + minLr);
        return new Schedule("cosine(" + lr + " -> " + minLr + " over " + totalEpochs + " epochs)", e -> {
            double progress = Math.min(e / totalEpochs, 1); // after the end it stays at minLr
            return minLr + (lr - minLr) * (1 + Math.cos(Math.PI * progress)) / 2;
        });
    }

    /** {@link #warmup(LearningRateSchedule, double, double)} starting at {@link #WARMUP_START}, 1% of the rate. */
    public static LearningRateSchedule warmup(LearningRateSchedule schedule, double warmupEpochs) {
        return warmup(schedule, warmupEpochs, WARMUP_START);
    }

    /**
     * Gradual warm-up (Goyal et al. 2017): for the first warmupEpochs the schedule's rate is
     * multiplied by a factor that grows linearly from start to 1,
     * <pre>
     *     rate(e) = schedule(e) * (start + (1 - start) * e / warmupEpochs)    for e &lt; warmupEpochs
     *     rate(e) = schedule(e)                                               after
     * </pre>
     * With a large batch (and so, by {@link #linearScaling}, a large rate) the first steps from
     * random weights can diverge; a few epochs of smaller steps avoid that. Goyal et al. ramped
     * over 5 epochs from the small-batch rate, i.e. start = 1 / k for a batch k times 256. The
     * ramp does not start at exactly 0, which would waste the first step.
     */
    public static LearningRateSchedule warmup(LearningRateSchedule schedule, double warmupEpochs, double start) {
        if (schedule == null)
            throw new IllegalArgumentException("warm-up needs a schedule to lead into, got null");
        if (!(warmupEpochs > 0 && Double.isFinite(warmupEpochs)))
            throw new IllegalArgumentException("warm-up must last more than 0 epochs, got " + warmupEpochs);
        if (!(start > 0 && start <= 1))
            throw new IllegalArgumentException("warm-up start must be in (0, 1], a fraction of the rate, got " + start);
        return new Schedule("warmup(" + warmupEpochs + " epochs from " + start + " x, then " + schedule + ")", e -> {
            double ramp = e < warmupEpochs ? start + (1 - start) * e / warmupEpochs : 1;
            return schedule.rate(e) * ramp;
        });
    }

    /**
     * The linear scaling rule (Goyal et al. 2017): when the batch grows k times, so does the
     * rate: baseLr * batchSize / 256, where baseLr is the rate for a batch of 256. For example
     * linearScaling(0.1, 512) = 0.2. Use it with {@link #warmup} for large batches.
     */
    public static double linearScaling(double baseLr, int batchSize) {
        requireRate("base lr", baseLr);
        if (batchSize < 1)
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        return baseLr * batchSize / 256;
    }

    private static void requireRate(String what, double lr) {
        if (!(lr > 0 && Double.isFinite(lr)))
            throw new IllegalArgumentException(what + " must be more than 0, got " + lr);
    }
}
