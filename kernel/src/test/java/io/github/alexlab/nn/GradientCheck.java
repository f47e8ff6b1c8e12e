package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks a block's backward against finite differences, in double precision.
 * <p>
 * The loss is L = sum(forward(x) * R) for a fixed random R, so dL/dOutput = R. Each checked entry
 * e of the input and of every parameter is nudged by +-h; (L(e+h) - L(e-h)) / 2h must match the
 * analytic gradient with relative error |a - n| / max(|a|, |n|, 1e-3) below the tolerance. (The
 * floor: the finite difference itself carries rounding noise of about 1e-10, so a gradient entry
 * near zero is compared absolutely, to 1e-9, instead of relatively.)
 * Large tensors are checked on a seeded sample of entries.
 */
public final class GradientCheck {
    private static final double H = 1e-6;
    public static final double TOLERANCE = 1e-6;

    private GradientCheck() {
    }

    /** Checks dL/dInput and dL/dParameters of {@code layer} at {@code input} (made DOUBLE here). */
    public static void check(Layer layer, INDArray input) {
        check(layer, input, 200);
    }

    public static void check(Layer layer, INDArray input, int maxEntriesPerTensor) {
        layer.parametersTo(DataType.DOUBLE);
        INDArray x = input.castTo(DataType.DOUBLE).dup();
        INDArray r = Nd4j.rand(DataType.DOUBLE, layer.outputShape(x.shape())).subi(0.5);
        layer.zeroGradients();
        INDArray out = layer.forward(x);
        INDArray gradInput = layer.backward(r.dup());
        Supplier<Double> loss = () -> layer.forward(x).mul(r).sumNumber().doubleValue();
        assertTrue(out.equalShapes(r), layer.name() + ": output shape differs from outputShape()");

        compare(layer.name() + " input", x, gradInput, loss, maxEntriesPerTensor, null);
        for (Parameter p : layer.parameters())
            compare(layer.name() + " " + p.name(), p.value(), p.gradient(), loss, maxEntriesPerTensor, p.mask());
    }

    private static void compare(String what, INDArray tensor, INDArray analytic, Supplier<Double> loss,
                                int maxEntries, INDArray mask) {
        long n = tensor.length();
        Random pick = new Random(7);
        INDArray flat = tensor.reshape(n); // a view: nudging it nudges the tensor
        INDArray flatGrad = analytic.reshape(n);
        for (int k = 0; k < Math.min(n, maxEntries); k++) {
            long i = n <= maxEntries ? k : (long) (pick.nextDouble() * n);
            if (mask != null && mask.reshape(n).getDouble(i) == 0)
                continue;
            double original = flat.getDouble(i);
            flat.putScalar(i, original + H);
            double up = loss.get();
            flat.putScalar(i, original - H);
            double down = loss.get();
            flat.putScalar(i, original);
            double numeric = (up - down) / (2 * H);
            double a = flatGrad.getDouble(i);
            double relative = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1e-3);
            assertTrue(relative < TOLERANCE, String.format(
                    "%s entry %d: analytic %.10g, numeric %.10g, relative error %.3g", what, i, a, numeric, relative));
        }
    }
}
