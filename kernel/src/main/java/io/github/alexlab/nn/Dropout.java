package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dropout (Hinton et al. 2012; AlexNet section 4.2, p = 0.5 in fc6 and fc7): in training, each
 * unit is zeroed with probability p, so no unit can rely on particular others being present.
 * <p>
 * This is "inverted" dropout: the kept units are scaled by 1/(1 - p) during training, so the
 * expected output equals the input and evaluation is the plain identity. (The paper instead
 * multiplied the outputs by 0.5 at test time; the two give the same expected values.)
 * <p>
 * Starts in training mode; {@link #train(boolean)} switches. The masks come from a generator
 * seeded once, so the same seed gives the same sequence of masks.
 */
public final class Dropout implements Layer {
    private final String name;
    private final double p;
    private final Random rng;
    private boolean training = true;
    private boolean forwarded;
    private INDArray mask; // 0 or 1/(1-p) per entry in the last training forward; null after an eval forward

    public Dropout(String name, double p, long seed) {
        if (!(p >= 0 && p < 1))
            throw new IllegalArgumentException(name + ": drop probability p must be in [0, 1), got " + p);
        this.name = name;
        this.p = p;
        this.rng = Init.random(seed);
    }

    @Override
    public String name() {
        return name;
    }

    public double p() {
        return p;
    }

    @Override
    public void train(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape.clone();
    }

    // ---- CPU path -----------------------------------------------------------------------------

    @Override
    public INDArray forward(INDArray input) {
        forwarded = true;
        if (!training) {
            mask = null;
            return input.dup();
        }
        // Keep each unit with probability 1 - p (a Bernoulli draw of 1 or 0), and scale the kept ones by 1/(1 - p).
        mask = Nd4j.createUninitialized(input.dataType(), input.shape());
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p), rng);
        mask.muli(1.0 / (1 - p));
        return input.mul(mask);
    }

    /** The same mask as the last forward: dropped units pass no gradient, kept ones are scaled alike. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (!forwarded)
            throw new IllegalStateException(name + ": backward before forward");
        if (mask == null)
            return gradOutput.dup(); // evaluation mode: the identity
        if (!gradOutput.equalShapes(mask))
            throw new ShapeException(name + " backward", java.util.Arrays.toString(mask.shape()), gradOutput.shape());
        return gradOutput.mul(mask);
    }

    // ---- GPU path: cuDNN dropout forward/backward with its own seeded states (the GPU issue fills this in)

    @Override
    public String toString() {
        return "Dropout(" + name + ": p=" + p + (training ? "" : ", eval") + ")";
    }
}
