package io.github.alexlab.quant;

import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.Sequential;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained network as a quantization recipe stores and computes it: the same blocks, with every
 * convolution and fully connected layer wrapped in a {@link QuantizedLayer} and, when the recipe
 * quantizes activations, a {@link FakeQuantize} in front of it. Read {@link #network()} to see where
 * the rounding happens:
 * <pre>
 *   conv1 input (FakeQuantize) -> conv1 (quantized weights) -> relu1 -> pool1 -> conv2 input -> conv2 -> ...
 * </pre>
 * Forward is "fake quantization": float arithmetic on exactly the numbers the low-precision model
 * holds. {@link #integer()} runs the same model with integer arithmetic instead, and gets the same
 * answers. Trained like any network ({@code new Trainer(quantized, sgd)}), it is quantization-aware
 * training: the forward pass sees the rounding, the gradient goes straight through it to the FP32
 * weights.
 * <p>
 * It wraps the blocks of {@code model} (not copies): training the quantized model trains them.
 */
public final class QuantizedModel implements Layer {
    private final Sequential original;
    private final Sequential network;
    private final QuantizationRecipe recipe;

    private QuantizedModel(Sequential original, Sequential network, QuantizationRecipe recipe) {
        this.original = original;
        this.network = network;
        this.recipe = recipe;
    }

    /**
     * Quantizes {@code model} by {@code recipe}; {@code calibration} (of the same model) is needed when the recipe
     * quantizes activations to integers, and may be null otherwise.
     */
    public static QuantizedModel of(Sequential model, QuantizationRecipe recipe, Calibration calibration) {
        boolean calibrate = recipe.format() == QuantizationRecipe.Format.INTEGER && recipe.calibrator() != null;
        if (calibrate && calibration == null)
            throw new IllegalArgumentException(recipe.label() + " quantizes activations: it needs a Calibration of the model (Calibration.of(model, images, n))");
        List<Layer> layers = new ArrayList<>();
        for (Layer layer : Sequential.blocksOf(model)) {
            if (!Calibration.quantizable(layer) || recipe.format() == QuantizationRecipe.Format.FP32) {
                layers.add(layer);
                continue;
            }
            FakeQuantize input = null;
            if (calibrate) {
                ActivationHistogram h = calibration.histogram(layer.name());
                double threshold = Math.max(recipe.calibrator().threshold(h, recipe.activationBits()), h.binWidth());
                input = new FakeQuantize(layer.name() + " input", Quantizer.symmetric(recipe.activationBits(), threshold));
            } else if (recipe.quantizesActivations()) {
                input = FakeQuantize.rounding(layer.name() + " input", recipe.format());
            }
            if (input != null)
                layers.add(input);
            layers.add(new QuantizedLayer(layer, recipe, input));
        }
        return new QuantizedModel(model, new Sequential(model.name() + " (" + recipe.label() + ")", layers), recipe);
    }

    /** The blocks as they run, FakeQuantize and QuantizedLayer included. */
    public Sequential network() {
        return network;
    }

    public QuantizationRecipe recipe() {
        return recipe;
    }

    /** The FP32 network this was made from. */
    public Sequential original() {
        return original;
    }

    /** The same model computed with integers (int8 x int8 -> int32 and requantization); needs an 8-bit-or-less integer recipe with quantized activations. */
    public IntegerInference integer() {
        return new IntegerInference(this);
    }

    /**
     * The integer codes that reach layer {@code name} when {@code x} goes through the fake-quantized network
     * (as whole-number floats): what {@link IntegerInference#inputCodes} should show for the same x.
     */
    public INDArray codesAt(INDArray x, String name) {
        network.train(false);
        for (Layer l : network.layers()) {
            if (l instanceof FakeQuantize fq && fq.name().equals(name + " input") && fq.quantizer() != null)
                return Nd4j.createFromArray(fq.quantizer().quantize(x)).castTo(x.dataType()).reshape(x.shape());
            x = l.forward(x);
        }
        throw new IllegalArgumentException("'" + name + "' has no integer input quantizer in " + network.name());
    }

    /** The wrapped convolutions and fully connected layers, in order. */
    public List<QuantizedLayer> quantizedLayers() {
        List<QuantizedLayer> out = new ArrayList<>();
        for (Layer l : network.layers())
            if (l instanceof QuantizedLayer q)
                out.add(q);
        return out;
    }

    /**
     * Bytes to store the model: each weight at the recipe's bits (packed), plus, for integers, one FP32 scale per
     * weight channel, biases as int32 (or FP32), and one FP32 scale per activation quantizer. Masked-out weights
     * (LeNet-5's C3 table) count as stored.
     */
    public long sizeBytes() {
        long bits = 0;
        for (Layer layer : Sequential.blocksOf(original))
            for (Parameter p : layer.parameters()) {
                boolean quantized = Calibration.quantizable(layer) && recipe.format() != QuantizationRecipe.Format.FP32;
                boolean isWeight = p.name().equals("weight");
                long n = p.value().length();
                if (!quantized)
                    bits += 32 * n;
                else if (isWeight)
                    bits += (long) recipe.bitsPerWeight() * n;
                else
                    bits += (recipe.format() == QuantizationRecipe.Format.INTEGER ? 32 : 16) * n;
            }
        for (QuantizedLayer q : quantizedLayers())
            if (recipe.format() == QuantizationRecipe.Format.INTEGER)
                bits += 32L * (recipe.perChannel() ? q.outputChannels() : 1) + (q.input() != null ? 32 : 0);
        return (bits + 7) / 8;
    }

    /** One row per quantized layer: its input's clipping range and step, and its weights' steps. */
    public Table quantizers() {
        List<QuantizedLayer> qs = quantizedLayers();
        StringColumn layer = StringColumn.create("layer"), input = StringColumn.create("input quantizer");
        DoubleColumn threshold = DoubleColumn.create("input threshold"), step = DoubleColumn.create("input step"),
                smallest = DoubleColumn.create("weight step (smallest)"), largest = DoubleColumn.create("weight step (largest)");
        for (QuantizedLayer q : qs) {
            layer.append(q.name());
            Quantizer in = q.input() == null ? null : q.input().quantizer();
            input.append(in != null ? "INT" + in.bits() : q.input() != null ? recipe.format().name() : "FP32");
            threshold.append(in != null ? significant(in.high()) : Double.NaN);
            step.append(in != null ? significant(in.scale()) : Double.NaN);
            double lo = Double.POSITIVE_INFINITY, hi = 0;
            if (recipe.format() == QuantizationRecipe.Format.INTEGER)
                for (Quantizer w : q.weightQuantizers()) {
                    lo = Math.min(lo, w.scale());
                    hi = Math.max(hi, w.scale());
                }
            smallest.append(hi > 0 ? significant(lo) : Double.NaN);
            largest.append(hi > 0 ? significant(hi) : Double.NaN);
        }
        return Table.create(network.name()).addColumns(layer, input, threshold, step, smallest, largest);
    }

    /** x to 4 significant digits, for tables. */
    private static double significant(double x) {
        return new BigDecimal(x).round(new MathContext(4)).doubleValue();
    }

    // ---- the Layer: everything goes to the network ----------------------------------------------

    @Override
    public String name() {
        return network.name();
    }

    @Override
    public INDArray forward(INDArray input) {
        return network.forward(input);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return network.backward(gradOutput);
    }

    @Override
    public void backwardToParameters(INDArray gradOutput) {
        network.backwardToParameters(gradOutput);
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return network.outputShape(inputShape);
    }

    @Override
    public long multiplyAdds(long[] inputShape) {
        return network.multiplyAdds(inputShape);
    }

    @Override
    public List<Parameter> parameters() {
        return network.parameters();
    }

    @Override
    public void train(boolean training) {
        network.train(training);
    }

    @Override
    public String toString() {
        return network.toString();
    }
}
