package io.github.alexlab.nn;

import io.github.alexlab.viz.Card;
import io.github.alexlab.viz.HtmlView;
import io.github.alexlab.viz.TensorImages;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.viz.Units;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one layer did to one batch, as {@link Stepper#next()} reports it: shapes, parameters,
 * arithmetic, memory, time, the statistics of its output and (for image-like outputs) a picture
 * of the first feature maps of the first image.
 */
public final class Step implements HtmlView {
    /** Feature maps drawn per step: enough to see what the layer does, few enough to stay fast. */
    static final int MAPS_SHOWN = 16;

    private final int index;
    private final Layer layer;
    private final long[] inputShape;
    private final INDArray output;
    private final double millis;
    private final Device device;
    private final long deviceBytes; // GPU memory in use after the step (the ledger), -1 on the CPU
    private final double min, max, mean, std, zeroFraction;

    Step(int index, Layer layer, long[] inputShape, INDArray output, double millis) {
        this(index, layer, inputShape, output, millis, Device.cpu(), -1);
    }

    /** A step on {@code device}: the output is a host copy, the time the GPU's (CUDA events). */
    Step(int index, Layer layer, long[] inputShape, INDArray output, double millis, Device device, long deviceBytes) {
        this.device = device;
        this.deviceBytes = deviceBytes;
        this.index = index;
        this.layer = layer;
        this.inputShape = inputShape;
        this.output = output;
        this.millis = millis;
        this.min = output.minNumber().doubleValue();
        this.max = output.maxNumber().doubleValue();
        this.mean = output.meanNumber().doubleValue();
        this.std = output.length() > 1 ? output.stdNumber().doubleValue() : 0;
        this.zeroFraction = output.eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }

    public int index() { return index; }
    public Layer layer() { return layer; }
    public long[] inputShape() { return inputShape.clone(); }
    public long[] outputShape() { return output.shape(); }
    public INDArray output() { return output; }
    /** The layer's forward time: wall clock on the CPU, the GPU's own time (CUDA events) on a GPU. */
    public double millis() { return millis; }
    public Device device() { return device; }
    /** GPU memory held after this step (all arrays in the ledger on that GPU), or -1 on the CPU. */
    public long deviceBytes() { return deviceBytes; }
    public long parameters() { return layer.parameterCount(); }
    public long multiplyAdds() { return layer.multiplyAdds(inputShape); }
    /** Bytes of this layer's output (what the backward pass must keep). */
    public long activationBytes() { return output.length() * output.dataType().width(); }
    /** Bytes of this layer's weights in FP32. */
    public long weightBytes() { return layer.parameterCount() * Float.BYTES; }
    public double min() { return min; }
    public double max() { return max; }
    public double mean() { return mean; }
    public double std() { return std; }
    /** The share of exact zeros in the output (after a ReLU: the "dead" units of this batch). */
    public double zeroFraction() { return zeroFraction; }

    /** The first feature maps of the first image, or null when the output is not image-like. */
    public BufferedImage featureMaps() {
        if (output.rank() != 4 || output.size(2) < 2 || output.size(3) < 2)
            return null;
        long maps = Math.min(MAPS_SHOWN, output.size(1));
        return TensorImages.grid(output.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, maps)).dup());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%2d %-10s %s -> %s  params %,d  multiply-adds %,d  %.3f ms%s  mean %.4g  zeros %.0f%%",
                index, layer.name(), Arrays.toString(inputShape), Arrays.toString(output.shape()),
                parameters(), multiplyAdds(), millis, onDevice(), mean, 100 * zeroFraction);
    }

    @Override
    public String toHtml() {
        List<String> facts = List.of(
                Arrays.toString(inputShape) + " → " + Arrays.toString(output.shape()),
                String.format(Locale.ROOT, "parameters %,d (%s) · multiply-adds %,d · output %s · %.3f ms%s",
                        parameters(), Units.bytes(weightBytes()), multiplyAdds(), Units.bytes(activationBytes()), millis, onDevice()),
                String.format(Locale.ROOT, "output min %.4g, max %.4g, mean %.4g, std %.4g, zeros %.1f%%",
                        min, max, mean, std, 100 * zeroFraction));
        return Card.html(index + ". " + layer.name(), layer.getClass().getSimpleName(), facts,
                featureMaps(), "first feature maps of image 0");
    }

    /** " on gpu:0 (GPU time), GPU memory 1.2 GiB" on a GPU, "" on the CPU. */
    private String onDevice() {
        return device.isGpu() ? " on " + device + " (GPU time), GPU memory in use " + Units.bytes(deviceBytes) : "";
    }
}
