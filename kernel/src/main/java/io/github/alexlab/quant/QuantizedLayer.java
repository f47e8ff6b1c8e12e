package io.github.alexlab.quant;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * A convolution or fully connected layer computing with quantized weights, while its own FP32 weights
 * (the "master" weights) stay what training updates.
 * <p>
 * Forward puts the quantized weights Q(W) into the layer, runs it, and puts W back; in training mode W
 * comes back only after backward, so that backward computes with the same Q(W). The weight gradient is
 * then added to W itself: the straight-through estimator for weights (Q is taken as the identity).
 * <p>
 * Integer weights are symmetric: w = code x scale, code in [-(2^(b-1) - 1), 2^(b-1) - 1], one scale per
 * output channel (its largest |w| / 127 at 8 bits) or one for the whole tensor. With quantized inputs
 * (scale s_x) the bias becomes a 32-bit integer at scale s_x x s_w, so that it adds straight onto the
 * int32 sums of the integer model.
 */
public final class QuantizedLayer implements Layer {
    private final Layer inner;
    private final Parameter weight, bias;
    private final int channelAxis;        // output channels: dimension 0 of a conv weight, 1 of a Linear weight [in, out]
    private final QuantizationRecipe recipe;
    private final FakeQuantize input;     // the quantizer of this layer's input, or null
    private INDArray masterWeight, masterBias;
    private boolean training;

    public QuantizedLayer(Layer inner, QuantizationRecipe recipe, FakeQuantize input) {
        if (inner instanceof Conv2d conv) {
            weight = conv.weight();
            bias = conv.bias();
            channelAxis = 0;
        } else if (inner instanceof Linear linear) {
            weight = linear.weight();
            bias = linear.bias();
            channelAxis = 1;
        } else {
            throw new IllegalArgumentException(inner.name() + ": only Conv2d and Linear layers are quantized, not "
                    + inner.getClass().getSimpleName());
        }
        this.inner = inner;
        this.recipe = recipe;
        this.input = input;
    }

    /** The wrapped Conv2d or Linear. */
    public Layer inner() {
        return inner;
    }

    /** The quantizer of the input, or null when the input stays in float. */
    public FakeQuantize input() {
        return input;
    }

    public int outputChannels() {
        return (int) weight.value().size(channelAxis);
    }

    /** The output channel of element i of the weight tensor (row-major). */
    int channelOf(long i) {
        long[] shape = weight.value().shape();
        return channelAxis == 0 ? (int) (i / (weight.value().length() / shape[0])) : (int) (i % shape[1]);
    }

    // ---- the quantized numbers ------------------------------------------------------------------

    /** The weight quantizer of each output channel (all the same one per tensor), from the current FP32 weights. */
    public Quantizer[] weightQuantizers() {
        double[] w = master(weight).data().asDouble();
        int channels = outputChannels();
        double[] maxAbs = new double[channels];
        for (int i = 0; i < w.length; i++) {
            int c = recipe.perChannel() ? channelOf(i) : 0;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
        }
        Quantizer[] q = new Quantizer[channels];
        for (int c = 0; c < channels; c++) {
            double m = recipe.perChannel() ? maxAbs[c] : maxAbs[0];
            q[c] = Quantizer.symmetric(recipe.weightBits(), m > 0 ? m : Double.MIN_NORMAL); // an all-zero channel stays 0
        }
        return q;
    }

    /** The integer code of every weight (row-major, the layer's own layout). */
    public int[] weightCodes() {
        Quantizer[] q = weightQuantizers();
        double[] w = master(weight).data().asDouble();
        int[] codes = new int[w.length];
        for (int i = 0; i < w.length; i++)
            codes[i] = q[channelOf(i)].quantize(w[i]);
        return codes;
    }

    /** The bias as int32 codes at scale s_x x s_w[c]; needs a quantized input. */
    public long[] biasCodes() {
        if (input == null || input.quantizer() == null)
            throw new IllegalStateException(name() + ": the bias becomes an integer only when the input is quantized too");
        Quantizer[] q = weightQuantizers();
        double[] b = master(bias).data().asDouble();
        long[] codes = new long[b.length];
        for (int c = 0; c < b.length; c++)
            codes[c] = Math.round(b[c] / (input.quantizer().scale() * q[c].scale()));
        return codes;
    }

    private INDArray quantizedWeight() {
        INDArray w = master(weight);
        double[] v = w.data().asDouble();
        if (recipe.format() == QuantizationRecipe.Format.INTEGER) {
            Quantizer[] q = weightQuantizers();
            int[] codes = weightCodes();
            for (int i = 0; i < v.length; i++)
                v[i] = q[channelOf(i)].dequantize(codes[i]);
        } else {
            round16(v);
        }
        return Nd4j.create(v, w.shape(), 'c').castTo(w.dataType());
    }

    private INDArray quantizedBias() {
        INDArray b = master(bias);
        double[] v = b.data().asDouble();
        if (recipe.format() == QuantizationRecipe.Format.INTEGER) {
            if (input == null || input.quantizer() == null)
                return b; // float activations: the bias stays FP32
            Quantizer[] q = weightQuantizers();
            long[] codes = biasCodes();
            for (int c = 0; c < v.length; c++)
                v[c] = codes[c] * input.quantizer().scale() * q[c].scale();
        } else {
            round16(v);
        }
        return Nd4j.create(v, b.shape(), 'c').castTo(b.dataType());
    }

    private void round16(double[] v) {
        for (int i = 0; i < v.length; i++)
            v[i] = recipe.format() == QuantizationRecipe.Format.BF16 ? Bf16.round((float) v[i]) : Fp16.round((float) v[i]);
    }

    /** The FP32 value: the master copy while the quantized one is in the layer. */
    private INDArray master(Parameter p) {
        INDArray m = p == weight ? masterWeight : masterBias;
        return (m != null ? m : p.value()).dup('c');
    }

    private void useQuantized() {
        if (masterWeight != null || recipe.format() == QuantizationRecipe.Format.FP32)
            return;
        INDArray w = quantizedWeight(), b = quantizedBias();
        masterWeight = weight.value().dup('c');
        masterBias = bias.value().dup('c');
        weight.set(w);
        bias.set(b);
    }

    private void restoreMaster() {
        if (masterWeight == null)
            return;
        weight.set(masterWeight);
        bias.set(masterBias);
        masterWeight = masterBias = null;
    }

    // ---- the Layer ------------------------------------------------------------------------------

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public INDArray forward(INDArray x) {
        useQuantized();
        try {
            return inner.forward(x);
        } finally {
            if (!training)
                restoreMaster();
        }
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        useQuantized();
        try {
            return inner.backward(gradOutput);
        } finally {
            restoreMaster();
        }
    }

    @Override
    public void backwardToParameters(INDArray gradOutput) {
        useQuantized();
        try {
            inner.backwardToParameters(gradOutput);
        } finally {
            restoreMaster();
        }
    }

    @Override
    public void train(boolean training) {
        this.training = training;
        if (!training)
            restoreMaster();
        inner.train(training);
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inner.outputShape(inputShape);
    }

    @Override
    public long multiplyAdds(long[] inputShape) {
        return inner.multiplyAdds(inputShape);
    }

    @Override
    public List<Parameter> parameters() {
        return inner.parameters();
    }

    @Override
    public String toString() {
        return "Quantized(" + inner + ", " + recipe.label() + ")";
    }
}
