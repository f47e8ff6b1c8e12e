package io.github.alexlab.quant;

import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.ShapeException;
import org.nd4j.linalg.api.buffer.DataType;
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
    private boolean training;

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
        boolean dbl = input.dataType() == DataType.DOUBLE; // gradient checks and the exactness tests compute in double
        double[] x = dbl ? input.dup('c').data().asDouble() : null;
        float[] xf = dbl ? null : input.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int n = dbl ? x.length : xf.length;
        float[] keep = training ? new float[n] : null; // backward's mask, only when training
        for (int i = 0; i < n; i++) {
            double v = dbl ? x[i] : xf[i];
            double q = switch (format) {
                case FP16 -> Fp16.round((float) v);
                case BF16 -> Bf16.round((float) v);
                default -> quantizer.dequantize(quantizer.quantize(v));
            };
            if (dbl) x[i] = q;
            else xf[i] = (float) q;
            if (training)
                keep[i] = quantizer == null || (v >= quantizer.low() && v <= quantizer.high()) ? 1 : 0;
        }
        passed = training ? Nd4j.create(keep, input.shape(), 'c').castTo(input.dataType()) : null;
        INDArray out = dbl ? Nd4j.create(x, input.shape(), 'c') : Nd4j.create(xf, input.shape(), 'c');
        return out.castTo(input.dataType());
    }

    /** In training mode forward keeps the mask that backward needs; in evaluation mode it does not. */
    @Override
    public void train(boolean training) {
        this.training = training;
    }

    /** The straight-through estimator: the gradient passes where x was inside the clipping range. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (passed == null)
            throw new IllegalStateException(name + ": backward without a forward pass in training mode (train(true))");
        if (!Arrays.equals(gradOutput.shape(), passed.shape()))
            throw new ShapeException(name + " backward", Arrays.toString(passed.shape()), gradOutput.shape());
        return gradOutput.castTo(passed.dataType()).mul(passed);
    }

    @Override
    public String toString() {
        return "FakeQuantize(" + name + ": " + (quantizer != null ? quantizer : format) + ")";
    }
}
