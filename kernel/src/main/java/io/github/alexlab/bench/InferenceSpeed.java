package io.github.alexlab.bench;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.quant.QuantizationRecipe;
import io.github.alexlab.quant.QuantizedModel;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * How fast a quantized network runs, next to FP32, measured side by side in one run.
 * <ul>
 *   <li>{@link #cpu}: a batch through the FP32 network (ND4J: oneDNN / OpenBLAS, vectorised float kernels),
 *       the fake-quantized one, and the integer one (our plain-Java int8 kernels, {@code IntegerKernels}).</li>
 *   <li>{@link #gpuGemms}: each convolution's and fully connected layer's matrix product at one batch size
 *       through cuBLAS in FP32, FP16 and INT8 (int8 x int8 -> int32 on the integer tensor cores), the data
 *       already on the GPU, timed with CUDA events.</li>
 * </ul>
 */
public final class InferenceSpeed {
    private InferenceSpeed() {
    }

    /** Images per second of {@code batch} through the FP32 network, the fake-quantized one and the integer one. */
    public static Measurements cpu(QuantizedModel quantized, INDArray batch, double secondsEach) {
        long images = batch.size(0);
        Measurements m = new Measurements("Inference on the CPU, a batch of " + images);
        Layer fp32 = quantized.original();
        fp32.train(false);
        quantized.train(false);
        m.add(Measure.of("FP32 (ND4J)", () -> fp32.forward(batch)).flops(2.0 * fp32.multiplyAdds(batch.shape())).seconds(secondsEach).run());
        m.add(Measure.of("fake-quantized " + quantized.recipe().label(), () -> quantized.forward(batch)).seconds(secondsEach).run());
        if (quantized.recipe().format() == QuantizationRecipe.Format.INTEGER && quantized.recipe().calibrator() != null) {
            var integer = quantized.integer();
            m.add(Measure.of("integer (int8 kernels in Java)", () -> integer.forward(batch)).flops(2.0 * fp32.multiplyAdds(batch.shape())).seconds(secondsEach).run());
        }
        return m;
    }

    /** One matrix product of a layer: C [m, n] = A [m, k] B [k, n]. */
    public record Product(String layer, int m, int k, int n) {
        double flops() {
            return 2.0 * m * k * n;
        }
    }

    /**
     * The matrix products of a network's convolutions (implicit GEMM: filters [O, C*k*k] x patches [C*k*k, N*oH*oW])
     * and fully connected layers ([N, in] x [in, out]) for a batch of {@code batch} images of {@code imageShape}.
     */
    public static List<Product> products(QuantizedModel quantized, long[] imageShape, int batch) {
        List<Product> out = new ArrayList<>();
        long[] shape = new long[imageShape.length + 1];
        shape[0] = batch;
        System.arraycopy(imageShape, 0, shape, 1, imageShape.length);
        for (Layer layer : quantized.original().layers()) {
            long[] next = layer.outputShape(shape);
            if (layer instanceof Conv2d c)
                out.add(new Product(c.name(), c.outChannels(), c.inChannels() / c.groups() * c.kernelSize() * c.kernelSize(),
                        Math.toIntExact(next[0] * next[2] * next[3])));
            else if (layer instanceof Linear l)
                out.add(new Product(l.name(), batch, l.inFeatures(), l.outFeatures()));
            shape = next;
        }
        return out;
    }

    /**
     * Each product timed in FP32, FP16 and INT8 on {@code gpu}; the sizes are rounded up to multiples of 16, as the
     * tensor cores want them (INT8 needs multiples of 4). One row per layer and a total.
     */
    public static Table gpuGemms(QuantizedModel quantized, long[] imageShape, int batch, Device gpu) {
        if (!gpu.isGpu())
            throw new IllegalArgumentException("gpuGemms needs a GPU device, got " + gpu);
        List<Gemm.Precision> precisions = List.of(Gemm.Precision.FP32, Gemm.Precision.FP16, Gemm.Precision.INT8);
        StringColumn layer = StringColumn.create("layer");
        IntColumn ms = IntColumn.create("m"), ks = IntColumn.create("k"), ns = IntColumn.create("n");
        DoubleColumn[] millis = new DoubleColumn[precisions.size()];
        for (int p = 0; p < precisions.size(); p++)
            millis[p] = DoubleColumn.create(precisions.get(p) + " ms");
        double[] total = new double[precisions.size()];
        for (Product product : products(quantized, imageShape, batch)) {
            int m = roundUp(product.m()), k = roundUp(product.k()), n = roundUp(product.n());
            layer.append(product.layer());
            ms.append(m);
            ks.append(k);
            ns.append(n);
            for (int p = 0; p < precisions.size(); p++) {
                double seconds = time(precisions.get(p), m, k, n, gpu);
                millis[p].append(seconds * 1e3);
                total[p] += seconds;
            }
        }
        layer.append("all layers");
        ms.appendMissing();
        ks.appendMissing();
        ns.appendMissing();
        for (int p = 0; p < precisions.size(); p++)
            millis[p].append(total[p] * 1e3);
        Table t = Table.create("Matrix products of " + quantized.original().name() + " at batch " + batch + " on " + gpu.info().orElseThrow().name())
                .addColumns(layer, ms, ks, ns);
        t.addColumns(millis);
        t.addColumns(millis[0].divide(millis[1]).setName("FP16 speed-up"), millis[0].divide(millis[2]).setName("INT8 speed-up"));
        return t;
    }

    private static int roundUp(int x) {
        return (x + 15) / 16 * 16;
    }

    /** The median seconds of one C = A B in precision p, with A and B random and already on the GPU. */
    private static double time(Gemm.Precision p, int m, int k, int n, Device gpu) {
        Nd4j.getRandom().setSeed(m * 31L + k * 7L + n);
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k).subi(0.5), b = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5);
        if (p == Gemm.Precision.INT8) { // whole numbers in [-100, 100]
            a.muli(200);
            b.muli(200);
        }
        try (GpuArray ga = GpuArray.of(a.castTo(p.input), gpu); GpuArray gb = GpuArray.of(b.castTo(p.input), gpu);
             GpuArray gc = GpuArray.zeros(gpu, p.output, m, n)) {
            return Measure.of(p + " " + m + "x" + k + "x" + n, () -> Gemm.multiply(ga, gb, gc, p)).on(gpu)
                    .flops(2.0 * m * k * n).warmups(2).repeats(20).seconds(0.5).run().median();
        }
    }
}
