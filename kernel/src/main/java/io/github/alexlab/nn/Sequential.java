package io.github.alexlab.nn;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tech.tablesaw.api.Table;

/**
 * Blocks one after the other: the output of each is the input of the next. AlexNet is one long
 * Sequential, conv1 to fc8.
 * <p>
 * Forward runs the blocks in order; backward runs them in reverse (the chain rule: dL/dInput of
 * block i+1 is dL/dOutput of block i). Layer names must differ, so {@link #get} can find them.
 */
public final class Sequential implements Layer {
    private final String name;
    private final List<Layer> layers;
    private Device device = Device.cpu();

    public Sequential(String name, Layer... layers) {
        this(name, List.of(layers));
    }

    public Sequential(String name, List<Layer> layers) {
        this.name = name;
        this.layers = List.copyOf(layers);
        Set<String> seen = new HashSet<>();
        for (Layer layer : this.layers)
            if (!seen.add(layer.name()))
                throw new IllegalArgumentException(name + ": two layers are named '" + layer.name() + "'");
    }

    @Override
    public String name() {
        return name;
    }

    /** The blocks, in order (unmodifiable). */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * The blocks of {@code model} in the order they run, nested Sequentials opened up (a model that
     * is not a Sequential is one block): what the training step hooks into and calibration measures.
     */
    public static List<Layer> blocksOf(Layer model) {
        List<Layer> out = new ArrayList<>();
        if (model instanceof Sequential s)
            for (Layer inner : s.layers())
                out.addAll(blocksOf(inner));
        else
            out.add(model);
        return out;
    }

    /** The block with this name, looking inside nested Sequentials too. */
    public Layer get(String layerName) {
        Layer found = find(layerName);
        if (found == null)
            throw new IllegalArgumentException(name + " has no layer named '" + layerName + "'; its layers: "
                    + String.join(", ", layers.stream().map(Layer::name).toList()));
        return found;
    }

    private Layer find(String layerName) {
        for (Layer layer : layers) {
            if (layer.name().equals(layerName))
                return layer;
            if (layer instanceof Sequential inner) {
                Layer found = inner.find(layerName);
                if (found != null)
                    return found;
            }
        }
        return null;
    }

    /** Each block's output shape is the next one's input shape; the first misfit throws, naming its block. */
    @Override
    public long[] outputShape(long[] inputShape) {
        long[] shape = inputShape;
        for (Layer layer : layers)
            shape = layer.outputShape(shape);
        return shape;
    }

    /** Summed over the blocks, each at the shape that reaches it. */
    @Override
    public long multiplyAdds(long[] inputShape) {
        long total = 0;
        long[] shape = inputShape;
        for (Layer layer : layers) {
            total += layer.multiplyAdds(shape);
            shape = layer.outputShape(shape);
        }
        return total;
    }

    /** The parameters of all blocks, in order: the blocks' own Parameter objects, not copies. */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer layer : layers)
            all.addAll(layer.parameters());
        return all;
    }

    @Override
    public void train(boolean training) {
        for (Layer layer : layers)
            layer.train(training);
    }

    @Override
    public void zeroGradients() {
        for (Layer layer : layers)
            layer.zeroGradients();
    }

    @Override
    public void parametersTo(DataType type) {
        for (Layer layer : layers)
            layer.parametersTo(type);
    }

    // ---- CPU path -----------------------------------------------------------------------------

    @Override
    public INDArray forward(INDArray input) {
        INDArray x = input;
        for (Layer layer : layers)
            x = layer.forward(x);
        return x;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--)
            g = layers.get(i).backward(g);
        return g;
    }

    /** Backward without dLoss/dInput: the first block computes its parameter gradients only (what training needs). */
    @Override
    public void backwardToParameters(INDArray gradOutput) {
        INDArray g = gradOutput;
        for (int i = layers.size() - 1; i >= 1; i--)
            g = layers.get(i).backward(g);
        if (!layers.isEmpty())
            layers.get(0).backwardToParameters(g);
    }

    // ---- GPU path: nothing of its own, each block runs its GPU path ----------------------------

    @Override
    public GpuArray forward(GpuArray input) {
        GpuArray x = input;
        for (Layer layer : layers)
            x = layer.forward(x);
        return x;
    }

    @Override
    public GpuArray backward(GpuArray gradOutput) {
        GpuArray g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--)
            g = layers.get(i).backward(g);
        return g;
    }

    @Override
    public void backwardToParameters(GpuArray gradOutput) {
        GpuArray g = gradOutput;
        for (int i = layers.size() - 1; i >= 1; i--)
            g = layers.get(i).backward(g);
        if (!layers.isEmpty())
            layers.get(0).backwardToParameters(g);
    }

    /** Moves every block's parameters to {@code device} (back to the CPU also frees the blocks' GPU buffers); returns this. */
    @Override
    public Sequential to(Device device) {
        try {
            for (Layer layer : layers)
                layer.to(device);
        } catch (RuntimeException | Error e) { // e.g. the GPU is full half-way: all blocks go back where they were
            Device before = this.device;
            for (Layer layer : layers)
                layer.to(before);
            throw e;
        }
        this.device = device;
        return this;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void forgetActivations() {
        for (Layer layer : layers)
            layer.forgetActivations();
    }

    @Override
    public void freeGpuBuffers() {
        for (Layer layer : layers)
            layer.freeGpuBuffers();
    }

    /** The per-layer table for an input shape: shapes, parameters, multiply-adds, memory (see {@link LayerTable}). */
    public Table summary(long... inputShape) {
        return LayerTable.of(this, inputShape);
    }

    /** Runs this network on {@code input} one layer at a time (see {@link Stepper}). */
    public Stepper stepper(INDArray input) {
        return new Stepper(this, input);
    }

    /** Runs this network on the GPU that holds {@code input}, one layer at a time, timing each on the GPU. */
    public Stepper stepper(GpuArray input) {
        return new Stepper(this, input);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Sequential(" + name + ")");
        for (Layer layer : layers)
            s.append("\n  ").append(layer.toString().replace("\n", "\n  "));
        return s.toString();
    }
}
