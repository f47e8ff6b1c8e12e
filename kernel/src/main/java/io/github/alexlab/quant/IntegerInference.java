package io.github.alexlab.quant;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Dropout;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.MaxPool2d;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantized network computed the way integer hardware does it (inference only):
 * <pre>
 *   x_q = clamp(round(x / s_x))                                  quantize the input once, int8
 *   acc = sum of x_q * w_q  +  b_q                               int8 x int8 -> int32, exact ({@link IntegerKernels})
 *   y_q = clamp(round(acc * M)),   M = s_x * s_w[c] / s_y         requantize: int32 -> the next layer's int8
 * </pre>
 * Between two quantized layers, ReLU, max-pooling, Flatten and (evaluation-mode) dropout work on the
 * codes themselves: with zero point 0 they give the same codes as on the real values, so the int8
 * output of one layer is the int8 input of the next. Any other block (LRN, average pooling, tanh)
 * gets dequantized values, y = acc * s_x * s_w[c], and the next layer quantizes again. The last layer
 * dequantizes its sums into the FP32 scores.
 * <p>
 * It computes the same numbers as the fake-quantized model ({@link QuantizedModel#forward}): the
 * int32 sums are exact, the float model's sums are rounded to FP32, so a requantized code differs only
 * where the exact value lies within an FP32 rounding of a half-step: at most one code (one LSB), and
 * rarely.
 */
public final class IntegerInference implements Layer {
    private final QuantizedModel model;
    private final List<Layer> layers;
    private final Device device; // where the int8 products run: our Java loops on the CPU, cuBLAS on a GPU
    private final Map<String, INDArray> inputCodes = new LinkedHashMap<>();

    IntegerInference(QuantizedModel model) {
        this(model, Device.cpu());
    }

    private IntegerInference(QuantizedModel model, Device device) {
        QuantizationRecipe r = model.recipe();
        if (r.format() != QuantizationRecipe.Format.INTEGER || r.calibrator() == null)
            throw new IllegalArgumentException("integer inference needs integer weights and activations; " + r.label() + " is not");
        this.model = model;
        this.layers = model.network().layers();
        this.device = device;
    }

    /**
     * The same integer model with its int8 x int8 -> int32 products on {@code gpu}, through cuBLAS's integer
     * tensor-core GEMM; everything else, and the copies of codes and sums, stays visible on the host.
     */
    public IntegerInference on(Device gpu) {
        if (gpu.isGpu() && !Cuda.available())
            throw new IllegalStateException("no GPU for integer inference: " + Cuda.availability().reason());
        return new IntegerInference(model, gpu);
    }

    /** Where the int8 products run. */
    @Override
    public Device device() {
        return device;
    }

    @Override
    public String name() {
        return model.name() + " [integer arithmetic" + (device.isGpu() ? ", products on " + device : "") + "]";
    }

    /** Host batches stay on the host: only the products go to the GPU (see {@link #on}). */
    @Override
    public INDArray forwardOnDevice(INDArray input) {
        return forward(input);
    }

    @Override
    public INDArray forward(INDArray input) {
        INDArray value = input; // FLOAT (or DOUBLE, to check the arithmetic exactly)
        Quantizer codesOf = null; // non-null while value holds int8 codes (as whole-number floats) of this quantizer
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof FakeQuantize fq) {
                if (codesOf == null) {
                    value = codes(value, fq.quantizer());
                    codesOf = fq.quantizer();
                } else if (codesOf != fq.quantizer()) {
                    throw new IllegalStateException(fq.name() + ": the codes arriving are of another quantizer");
                }
            } else if (layer instanceof QuantizedLayer q) {
                if (codesOf == null)
                    throw new IllegalStateException(q.name() + ": its input is not quantized");
                inputCodes.put(q.name(), value);
                long[] outShape = q.outputShape(value.shape());
                QuantizedLayer.IntegerWeights weights = q.integerWeights();
                int[] acc = accumulate(q, weights, value);
                Quantizer next = nextQuantizer(i);
                double[] m = multipliers(weights.quantizers(), codesOf, next);
                value = rescale(acc, m, outShape, q, next).castTo(value.dataType());
                codesOf = next;
            } else if (keepsCodes(layer)) {
                value = layer.forward(value);
            } else {
                if (codesOf != null)
                    value = value.mul(codesOf.scale());
                codesOf = null;
                value = layer.forward(value);
            }
        }
        return codesOf == null ? value : value.mul(codesOf.scale());
    }

    /** The int8 codes that reached layer {@code name} in the last forward pass (as whole-number floats). */
    public INDArray inputCodes(String name) {
        INDArray codes = inputCodes.get(name);
        if (codes == null)
            throw new IllegalArgumentException("no codes for '" + name + "': run forward first; quantized layers: " + String.join(", ", inputCodes.keySet()));
        return codes;
    }

    /** int8 codes of x, as whole-number floats (so ReLU and max-pooling can run on them unchanged). */
    private static INDArray codes(INDArray x, Quantizer q) {
        double[] v = x.dup('c').data().asDouble();
        for (int i = 0; i < v.length; i++)
            v[i] = q.quantize(v[i]);
        return Nd4j.create(v, x.shape(), 'c').castTo(x.dataType());
    }

    /** Blocks that give the same codes whether they see real values or their codes (zero point 0, monotone). */
    private static boolean keepsCodes(Layer layer) {
        return layer instanceof ReLU || layer instanceof MaxPool2d || layer instanceof Flatten || layer instanceof Dropout;
    }

    /** The quantizer of the next quantized layer's input, when only code-keeping blocks lie between; else null. */
    private Quantizer nextQuantizer(int from) {
        for (int j = from + 1; j < layers.size(); j++) {
            Layer l = layers.get(j);
            if (l instanceof FakeQuantize fq)
                return fq.quantizer();
            if (!keepsCodes(l))
                return null;
        }
        return null;
    }

    /** Per output channel: s_x * s_w[c] / s_y to requantize into {@code next}, or s_x * s_w[c] to dequantize. */
    private static double[] multipliers(Quantizer[] w, Quantizer input, Quantizer next) {
        double[] m = new double[w.length];
        for (int c = 0; c < w.length; c++)
            m[c] = input.scale() * w[c].scale() / (next == null ? 1 : next.scale());
        return m;
    }

    /** The int32 sums (bias included) in the layout [output channel, position] for a conv, [example, output] for a Linear. */
    private int[] accumulate(QuantizedLayer q, QuantizedLayer.IntegerWeights weights, INDArray codes) {
        byte[] x = toBytes(codes);
        byte[] w = toBytes(weights.codes());
        long[] bias = weights.biasCodes();
        int[] acc;
        if (q.inner() instanceof Conv2d conv) {
            int n = (int) codes.size(0), c = conv.inChannels(), h = (int) codes.size(2), wd = (int) codes.size(3);
            int k = conv.kernelSize(), groups = conv.groups();
            byte[] cols = IntegerKernels.im2col(x, n, c, h, wd, k, conv.stride(), conv.padding());
            int rowsPerGroup = c / groups * k * k, outPerGroup = conv.outChannels() / groups, columns = cols.length / (c * k * k);
            acc = new int[conv.outChannels() * columns];
            for (int g = 0; g < groups; g++) { // each group: its filters x its channels' rows of the columns
                byte[] wg = Arrays.copyOfRange(w, g * outPerGroup * rowsPerGroup, (g + 1) * outPerGroup * rowsPerGroup);
                byte[] cg = Arrays.copyOfRange(cols, g * rowsPerGroup * columns, (g + 1) * rowsPerGroup * columns);
                int[] part = multiply(wg, cg, outPerGroup, rowsPerGroup, columns);
                System.arraycopy(part, 0, acc, g * outPerGroup * columns, part.length);
            }
            for (int o = 0; o < conv.outChannels(); o++)
                for (int j = 0; j < columns; j++)
                    acc[o * columns + j] = Math.addExact(acc[o * columns + j], Math.toIntExact(bias[o]));
        } else {
            Linear linear = (Linear) q.inner();
            int n = (int) codes.size(0), in = linear.inFeatures(), out = linear.outFeatures();
            acc = multiply(x, w, n, in, out);
            for (int e = 0; e < n; e++)
                for (int j = 0; j < out; j++)
                    acc[e * out + j] = Math.addExact(acc[e * out + j], Math.toIntExact(bias[j]));
        }
        return acc;
    }

    /** C = A B of int8 codes into int32 sums, A [m, k], B [k, n]: on the CPU by hand, on a GPU through cuBLAS. */
    private int[] multiply(byte[] a, byte[] b, int m, int k, int n) {
        if (!device.isGpu())
            return IntegerKernels.gemm(a, b, m, k, n);
        // cuBLAS's integer GEMM wants every size a multiple of 4: pad with zero codes, which add nothing.
        int m4 = (m + 3) / 4 * 4, k4 = (k + 3) / 4 * 4, n4 = (n + 3) / 4 * 4;
        try (GpuArray ga = GpuArray.of(padded(a, m, k, m4, k4), device, "int8 codes A");
             GpuArray gb = GpuArray.of(padded(b, k, n, k4, n4), device, "int8 codes B");
             GpuArray gc = GpuArray.zeros(device, DataType.INT, m4, n4)) {
            Gemm.multiply(ga, gb, gc, Gemm.Precision.INT8);
            int[] all = gc.toHost().data().asInt(), c = new int[m * n];
            for (int i = 0; i < m; i++)
                System.arraycopy(all, i * n4, c, i * n, n);
            return c;
        }
    }

    /** A [rows, cols] row-major byte matrix inside a zero [rows4, cols4] one, as an ND4J BYTE array. */
    private static INDArray padded(byte[] x, int rows, int cols, int rows4, int cols4) {
        byte[] out = new byte[rows4 * cols4];
        for (int r = 0; r < rows; r++)
            System.arraycopy(x, r * cols, out, r * cols4, cols);
        return Nd4j.createFromArray(out).reshape(rows4, cols4);
    }

    /** int32 sums times each channel's multiplier: requantized codes (clamped) when {@code next} is set, else real values. */
    private static INDArray rescale(int[] acc, double[] m, long[] outShape, QuantizedLayer q, Quantizer next) {
        double[] out = new double[acc.length];
        boolean conv = q.inner() instanceof Conv2d;
        int channels = m.length;
        int positions = conv ? (int) (outShape[2] * outShape[3]) : 1, n = (int) outShape[0];
        for (int idx = 0; idx < acc.length; idx++) {
            int c, dst;
            if (conv) { // acc is [O, N * oH * oW]; the output is [N, O, oH, oW]
                c = idx / (n * positions);
                int rest = idx % (n * positions), img = rest / positions, pos = rest % positions;
                dst = (img * channels + c) * positions + pos;
            } else {
                c = idx % channels;
                dst = idx;
            }
            double real = acc[idx] * m[c];
            out[dst] = next == null ? real : Math.max(next.qmin(), Math.min(next.qmax(), Math.rint(real)));
        }
        return Nd4j.create(out, outShape, 'c');
    }

    private static byte[] toBytes(INDArray codes) {
        double[] v = codes.dup('c').data().asDouble();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++)
            b[i] = (byte) v[i];
        return b;
    }

    private static byte[] toBytes(int[] codes) {
        byte[] b = new byte[codes.length];
        for (int i = 0; i < codes.length; i++)
            b[i] = (byte) codes[i];
        return b;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        throw new UnsupportedOperationException(name() + ": integer inference has no backward pass; train the QuantizedModel (fake quantization) instead");
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return model.outputShape(inputShape);
    }

    @Override
    public String toString() {
        return name();
    }
}
