package io.github.alexlab.quant;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
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
    private final int channels;           // output channels
    private final long elementsPerChannel; // weights per output channel
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
        this.channels = (int) weight.value().size(channelAxis);
        this.elementsPerChannel = weight.value().length() / channels;
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
        return channels;
    }

    /** The output channel of element i of the weight tensor (row-major): conv weights [O, C, k, k], Linear [in, out]. */
    private int channelOf(long i) {
        return channelAxis == 0 ? (int) (i / elementsPerChannel) : (int) (i % channels);
    }

    // ---- the quantized numbers ------------------------------------------------------------------

    /**
     * The integer form of the weights, from the current FP32 ones, computed in one pass: a quantizer per output
     * channel (all the same one per tensor), every weight's code, and the bias as int32 codes at scale
     * s_x x s_w[c] (null while the input is not quantized).
     */
    public record IntegerWeights(Quantizer[] quantizers, int[] codes, long[] biasCodes) {
    }

    public IntegerWeights integerWeights() {
        INDArray w = master(weight);
        Quantizer[] q = new Quantizer[channels];
        if (recipe.perChannel()) // Quantizer.perChannel slices dimension 0: a Linear's outputs are its columns
            q = Quantizer.perChannel(recipe.weightBits(), channelAxis == 0 ? w : w.transpose());
        else
            Arrays.fill(q, Quantizer.symmetric(recipe.weightBits(), positive(w.amaxNumber().doubleValue())));
        double[] v = w.data().asDouble();
        int[] codes = new int[v.length];
        for (int i = 0; i < v.length; i++)
            codes[i] = q[channelOf(i)].quantize(v[i]);
        long[] biasCodes = null;
        if (input != null && input.quantizer() != null) {
            double[] b = master(bias).data().asDouble();
            biasCodes = new long[b.length];
            for (int c = 0; c < b.length; c++)
                biasCodes[c] = Math.round(b[c] / (input.quantizer().scale() * q[c].scale()));
        }
        return new IntegerWeights(q, codes, biasCodes);
    }

    private static double positive(double maxAbs) {
        return maxAbs > 0 ? maxAbs : Double.MIN_NORMAL; // an all-zero tensor stays 0
    }

    /** The weight quantizer of each output channel (see {@link #integerWeights}). */
    public Quantizer[] weightQuantizers() {
        return integerWeights().quantizers();
    }

    /** The integer code of every weight, row-major in the layer's own layout (see {@link #integerWeights}). */
    public int[] weightCodes() {
        return integerWeights().codes();
    }

    /** The quantized weight and bias as the float layer computes with them. */
    private INDArray[] quantizedWeightAndBias() {
        INDArray w = master(weight), b = master(bias);
        double[] wv = w.data().asDouble(), bv = b.data().asDouble();
        if (recipe.format() == QuantizationRecipe.Format.INTEGER) {
            IntegerWeights iw = integerWeights();
            for (int i = 0; i < wv.length; i++)
                wv[i] = iw.quantizers()[channelOf(i)].dequantize(iw.codes()[i]);
            if (iw.biasCodes() != null) // with float activations the bias stays FP32
                for (int c = 0; c < bv.length; c++)
                    bv[c] = iw.biasCodes()[c] * input.quantizer().scale() * iw.quantizers()[c].scale();
        } else {
            round16(wv);
            round16(bv);
        }
        return new INDArray[]{Nd4j.create(wv, w.shape(), 'c').castTo(w.dataType()), Nd4j.create(bv, b.shape(), 'c').castTo(b.dataType())};
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
        INDArray[] quantized = quantizedWeightAndBias();
        masterWeight = weight.value().dup('c');
        masterBias = bias.value().dup('c');
        weight.set(quantized[0]);
        bias.set(quantized[1]);
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
