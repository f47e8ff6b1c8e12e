package io.github.alexlab.quant;

import io.github.alexlab.data.Batch;
import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Sequential;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the activations of a trained network look like: a histogram of |x| at the input of every
 * convolution and fully connected layer, over some calibration images (a few hundred training
 * images are enough; never the test images, whose accuracy is what we measure afterwards).
 * <p>
 * Two passes over the images, in FP32: the first finds each input's largest |x|, the second counts
 * into {@link ActivationHistogram#DEFAULT_BINS} bins over [0, that max]. The calibrators then choose a
 * threshold per layer from its histogram; one calibration serves every calibrator and bit width.
 */
public final class Calibration {
    private final Map<String, ActivationHistogram> histograms;
    private final long images;

    private Calibration(Map<String, ActivationHistogram> histograms, long images) {
        this.histograms = histograms;
        this.images = images;
    }

    /** Runs {@code model} (evaluation mode) over {@code data}, at most {@code maxImages} images. */
    public static Calibration of(Sequential model, Iterable<Batch> data, int maxImages) {
        if (maxImages < 1)
            throw new IllegalArgumentException("calibration needs at least one image, got " + maxImages);
        List<Layer> layers = Sequential.blocksOf(model);
        model.train(false);
        Map<String, Double> max = new LinkedHashMap<>();
        long seen = pass(layers, data, maxImages, (name, x) -> max.merge(name, x.amaxNumber().doubleValue(), Math::max));
        if (seen == 0)
            throw new IllegalArgumentException("the calibration data had no images");
        Map<String, ActivationHistogram> histograms = new LinkedHashMap<>();
        for (var e : max.entrySet()) {
            if (!(e.getValue() > 0))
                throw new IllegalArgumentException(e.getKey() + ": its input was 0 everywhere on the calibration images; nothing to calibrate");
            histograms.put(e.getKey(), new ActivationHistogram(ActivationHistogram.DEFAULT_BINS, e.getValue()));
        }
        pass(layers, data, maxImages, (name, x) -> histograms.get(name).add(x));
        return new Calibration(histograms, seen);
    }

    private interface InputSink {
        void accept(String layer, INDArray input);
    }

    private static long pass(List<Layer> layers, Iterable<Batch> data, int maxImages, InputSink sink) {
        long seen = 0;
        for (Batch batch : data) {
            if (seen >= maxImages)
                break;
            INDArray x = batch.images();
            long take = Math.min(x.size(0), maxImages - seen);
            if (take < x.size(0))
                x = x.get(NDArrayIndex.interval(0, take)).dup();
            for (Layer layer : layers) {
                if (quantizable(layer))
                    sink.accept(layer.name(), x);
                x = layer.forward(x);
            }
            seen += take;
        }
        return seen;
    }

    /** The layers that get quantized: convolutions and fully connected layers. */
    static boolean quantizable(Layer layer) {
        return layer instanceof Conv2d || layer instanceof Linear;
    }

    /** The histogram of the input of layer {@code name}. */
    public ActivationHistogram histogram(String name) {
        ActivationHistogram h = histograms.get(name);
        if (h == null)
            throw new IllegalArgumentException("no calibration for '" + name + "'; calibrated layers: " + String.join(", ", histograms.keySet()));
        return h;
    }

    /** The calibrated layers, in order. */
    public List<String> layers() {
        return List.copyOf(histograms.keySet());
    }

    public long images() {
        return images;
    }

    /** The threshold {@code calibrator} chooses for layer {@code name}'s input at {@code bits} bits. */
    public double threshold(String name, Calibrator calibrator, int bits) {
        return calibrator.threshold(histogram(name), bits);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Calibration on %,d images of %d layer inputs: %s", images, histograms.size(), String.join(", ", histograms.keySet()));
    }
}
