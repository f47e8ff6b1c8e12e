package io.github.alexlab.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks a block's backward, input and parameter gradients, with {@link FiniteDifferences} (the
 * check the lessons' {@code Check.gradient} uses too). The loss is L = sum(forward(x) * R) for a
 * fixed random R, so dL/dOutput = R.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /** Checks dL/dInput and dL/dParameters of {@code layer} at {@code input} (made DOUBLE here). */
    public static void check(Layer layer, INDArray input) {
        check(layer, input, FiniteDifferences.MOST_ENTRIES);
    }

    public static void check(Layer layer, INDArray input, int maxEntriesPerTensor) {
        layer.parametersTo(DataType.DOUBLE);
        INDArray x = input.castTo(DataType.DOUBLE).dup();
        INDArray r = Nd4j.rand(DataType.DOUBLE, layer.outputShape(x.shape())).subi(0.5);
        layer.zeroGradients();
        INDArray out = layer.forward(x);
        INDArray gradInput = layer.backward(r.dup());
        DoubleSupplier loss = () -> layer.forward(x).mul(r).sumNumber().doubleValue();
        assertTrue(out.equalShapes(r), layer.name() + ": output shape differs from outputShape()");

        compare(layer.name() + " input", x, gradInput, loss, maxEntriesPerTensor, null);
        for (Parameter p : layer.parameters())
            compare(layer.name() + " " + p.name(), p.value(), p.gradient(), loss, maxEntriesPerTensor, p.mask());
    }

    private static void compare(String what, INDArray tensor, INDArray analytic, DoubleSupplier loss,
                                int maxEntries, INDArray mask) {
        FiniteDifferences.Mismatch worst = FiniteDifferences.worst(tensor, analytic, loss, maxEntries, mask);
        assertTrue(worst == null || worst.withinTolerance(), () -> String.format(
                "%s entry %d: analytic %.10g, numeric %.10g, relative error %.3g",
                what, worst.index(), worst.analytic(), worst.numeric(), worst.relativeError()));
    }
}
