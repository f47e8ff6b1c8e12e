package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a weight tensor starts. Seeded, so the same seed gives the same network.
 * {@code fanIn} is the number of inputs that feed one output unit, {@code fanOut} the reverse.
 */
@FunctionalInterface
public interface Init {
    void fill(INDArray weights, long fanIn, long fanOut, Random rng);

    /** Every entry the same (biases: 0, or 1 in AlexNet's conv2/4/5 and hidden FC layers). */
    static Init constant(double c) {
        return (w, fanIn, fanOut, rng) -> w.assign(c);
    }

    /** N(0, std^2): AlexNet 2012 used std 0.01 for every layer. */
    static Init gaussian(double std) {
        return (w, fanIn, fanOut, rng) -> Nd4j.randn(w, rng).muli(std);
    }

    /** LeCun 1998: U(-2.4/F, 2.4/F), F = fan-in. */
    static Init lecunUniform() {
        return uniformFanIn(2.4);
    }

    /** U(-a/F, a/F) with F the fan-in. */
    static Init uniformFanIn(double a) {
        return (w, fanIn, fanOut, rng) -> uniform(w, a / fanIn, rng);
    }

    /** He et al. 2015 for ReLU networks: N(0, 2/fanIn). */
    static Init he() {
        return (w, fanIn, fanOut, rng) -> Nd4j.randn(w, rng).muli(Math.sqrt(2.0 / fanIn));
    }

    /** Glorot and Bengio 2010, for tanh/sigmoid networks: U(-l, l), l = sqrt(6/(fanIn + fanOut)). */
    static Init xavier() {
        return (w, fanIn, fanOut, rng) -> uniform(w, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
    }

    private static void uniform(INDArray w, double limit, Random rng) {
        Nd4j.rand(w, rng).muli(2 * limit).subi(limit);
    }

    /** A seeded random generator (ND4J's), for {@link #fill}. */
    static Random random(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }
}
