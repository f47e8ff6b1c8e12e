package io.github.alexlab.quant;

import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Fake quantization of the values passing through: forward replaces each x by the number the
 * low-precision model would hold, Q(x) = dequantize(quantize(x)), still as a float. Put before a
 * convolution or fully connected layer, it makes the float network compute exactly what the integer
 * one does (up to the order of the float sums).
 * <p>
 * Backward is the <b>straight-through estimator</b> (Bengio, Léonard and Courville 2013; used for
 * quantization-aware training by Jacob et al. 2018): rounding has derivative 0 almost everywhere,
 * which would stop all learning, so backward treats Q as the identity inside the clipping range and
 * passes no gradient where x was clipped:
 * <pre>
 *   dL/dx = dL/dQ(x)   where low <= x <= high,   0 elsewhere
 * </pre>
 * For the 16-bit formats, Q rounds to FP16 or BF16 and backward passes the gradient unchanged.
 */
public final class FakeQuantize implements Layer {
    private final String name;
    private final Quantizer quantizer;                 // null for a 16-bit format
    private final QuantizationRecipe.Format format;
    private INDArray passed;                           // 1 where backward lets the gradient through

    /** Integer fake quantization with a fixed quantizer (from calibration). */
    public FakeQuantize(String name, Quantizer quantizer) {
        this.name = name;
        this.quantizer = quantizer;
        this.format = QuantizationRecipe.Format.INTEGER;
    }

    /** Rounding to FP16 or BF16. */
    public static FakeQuantize rounding(String name, QuantizationRecipe.Format format) {
        if (format != QuantizationRecipe.Format.FP16 && format != QuantizationRecipe.Format.BF16)
            throw new IllegalArgumentException(name + ": rounding is to FP16 or BF16, not " + format);
        return new FakeQuantize(name, null, format);
    }

    private FakeQuantize(String name, Quantizer quantizer, QuantizationRecipe.Format format) {
        this.name = name;
        this.quantizer = quantizer;
        this.format = format;
    }

    /** The integer quantizer, or null when this rounds to a 16-bit format. */
    public Quantizer quantizer() {
        return quantizer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public INDArray forward(INDArray input) {
        double[] x = input.dup('c').data().asDouble();
        double[] y = new double[x.length], keep = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = switch (format) {
                case FP16 -> Fp16.round((float) x[i]);
                case BF16 -> Bf16.round((float) x[i]);
                default -> quantizer.dequantize(quantizer.quantize(x[i]));
            };
            keep[i] = quantizer == null || (x[i] >= quantizer.low() && x[i] <= quantizer.high()) ? 1 : 0;
        }
        passed = Nd4j.create(keep, input.shape(), 'c').castTo(input.dataType());
        return Nd4j.create(y, input.shape(), 'c').castTo(input.dataType());
    }

    /** The straight-through estimator: the gradient passes where x was inside the clipping range. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (passed == null)
            throw new IllegalStateException(name + ": backward before forward");
        if (!Arrays.equals(gradOutput.shape(), passed.shape()))
            throw new ShapeException(name + " backward", Arrays.toString(passed.shape()), gradOutput.shape());
        return gradOutput.castTo(passed.dataType()).mul(passed);
    }

    @Override
    public String toString() {
        return "FakeQuantize(" + name + ": " + (quantizer != null ? quantizer : format) + ")";
    }
}
