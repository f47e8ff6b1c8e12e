package io.github.alexlab.nn;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Runs every building block on the CPU and on a GPU with the same parameters, input and dL/dOutput,
 * and measures how far apart the results are: the output, dL/dInput and every parameter gradient.
 * The self-test prints this table, and the GPU tests assert it. Both paths compute in FP32 and sum in
 * different orders, so they agree to about 1e-6, not exactly; {@link #TOLERANCE} is the promise.
 */
public final class GpuCheck {
    /** The largest relative error (2-norm of the difference over the 2-norm of the CPU's) a GPU block may have. */
    public static final double TOLERANCE = 1e-4;

    /** One block's comparison; the errors are relative, NaN where there is nothing to compare. */
    public record Result(String block, String inputShape, double output, double inputGradient, double parameterGradients) {
        public double worst() {
            return Math.max(nanToZero(output), Math.max(nanToZero(inputGradient), nanToZero(parameterGradients)));
        }

        public boolean passed() {
            return worst() < TOLERANCE && !Double.isNaN(output);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-22s %-16s output %.1e  dL/dinput %.1e  dL/dparameters %.1e  %s", block, inputShape,
                    output, inputGradient, parameterGradients, passed() ? "ok" : "FAILED (tolerance " + TOLERANCE + ")");
        }
    }

    private GpuCheck() {
    }

    /** Every block kind, at small shapes, on {@code gpu}. */
    public static List<Result> everyBlock(Device gpu) {
        List<Result> results = new ArrayList<>();
        results.add(compare(gpu, () -> new Conv2d("conv 3x3 pad 1", 3, 8, 3, 1, 1, 1), 4, 3, 12, 12));
        results.add(compare(gpu, () -> new Conv2d("conv 5x5 stride 2 groups 2", 4, 8, 5, 2, 2, 2), 4, 4, 15, 15));
        results.add(compare(gpu, () -> new Conv2d("conv 11x11 stride 4", 1, 6, 11, 4, 0, 1), 2, 1, 35, 35));
        results.add(compare(gpu, () -> new Conv2d("conv with a table", 3, 4, 3).connections(new boolean[][]{
                {true, false, false}, {true, true, false}, {false, true, true}, {true, true, true}}), 4, 3, 9, 9));
        results.add(compare(gpu, () -> new MaxPool2d("max pool 3 stride 2", 3, 2), 4, 8, 13, 13));
        results.add(compare(gpu, () -> new AvgPool2d("average pool 2", 2, 2), 4, 8, 12, 12));
        results.add(compare(gpu, () -> new LocalResponseNorm("LRN (AlexNet's)", 5, 1e-2, 0.75, 2), 4, 8, 7, 7)); // a larger alpha than the paper's, so the normalisation shows
        results.add(compare(gpu, () -> new ReLU("ReLU"), 4, 8, 6, 6));
        results.add(compare(gpu, () -> Tanh.lecun("tanh (LeCun's)"), 4, 8, 6, 6));
        results.add(compare(gpu, () -> new Sigmoid("sigmoid"), 4, 8, 6, 6));
        results.add(compare(gpu, () -> new Softmax("softmax"), 8, 10));
        results.add(compare(gpu, () -> new Linear("linear", 20, 10), 8, 20));
        results.add(compare(gpu, () -> new Flatten("flatten"), 4, 3, 5, 5));
        results.add(compare(gpu, () -> new Dropout("dropout (evaluation)", 0.5, 1), 4, 30)); // training-mode masks are random: the self-test checks those
        results.add(compare(gpu, () -> new Subsampling("subsampling", 6), 4, 6, 11, 11));
        results.add(compare(gpu, () -> new EuclideanRbf("Euclidean RBF", 84, 10, 7), 8, 84));
        results.add(compare(gpu, () -> new Sequential("small network", new Conv2d("c1", 1, 6, 5, 1, 2, 1), new ReLU("r1"),
                new MaxPool2d("p1", 2, 2), new LocalResponseNorm("n1"), new Flatten("f"), new Linear("fc", 6 * 14 * 14, 10)), 8, 1, 28, 28));
        results.add(lossComparison(gpu));
        return results;
    }

    /** The same block built twice (blocks draw their starting weights from their name, so both are equal), one moved to the GPU. */
    public static Result compare(Device gpu, Supplier<Layer> build, long... inputShape) {
        Layer cpu = build.get(), onGpu = build.get().to(gpu);
        cpu.train(false);
        onGpu.train(false);
        INDArray x = random(inputShape, 1);
        INDArray y = cpu.forward(x);
        INDArray g = random(y.shape(), 2);
        INDArray dx = cpu.backward(g);
        try (GpuArray xg = GpuArray.of(x, gpu, "check input"); GpuArray gg = GpuArray.of(g, gpu, "check dL/doutput")) {
            INDArray yGpu = onGpu.forward(xg).toHost();
            INDArray dxGpu = onGpu.backward(gg).toHost();
            double worstParameter = Double.NaN;
            for (int i = 0; i < cpu.parameters().size(); i++) {
                double e = relativeError(onGpu.parameters().get(i).gradient(), cpu.parameters().get(i).gradient());
                worstParameter = Double.isNaN(worstParameter) ? e : Math.max(worstParameter, e);
            }
            return new Result(cpu.name(), Arrays.toString(inputShape), relativeError(yGpu, y), relativeError(dxGpu, dx), worstParameter);
        } finally {
            onGpu.to(Device.cpu());
        }
    }

    /** CrossEntropyLoss: the loss as the "output", dL/dlogits as the input gradient. */
    static Result lossComparison(Device gpu) {
        INDArray logits = random(new long[]{16, 10}, 3).muli(4);
        INDArray labels = Nd4j.createFromArray(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5}).castTo(DataType.FLOAT);
        CrossEntropyLoss cpu = new CrossEntropyLoss(), onGpu = new CrossEntropyLoss();
        double loss = cpu.forward(logits, labels);
        INDArray gradient = cpu.backward();
        try (GpuArray z = GpuArray.of(logits, gpu, "check logits")) {
            double lossGpu = onGpu.forward(z, labels);
            INDArray gradientGpu = onGpu.backwardOnGpu().toHost();
            return new Result("cross-entropy loss", "[16, 10]", Math.abs(lossGpu - loss) / Math.abs(loss), relativeError(gradientGpu, gradient), Double.NaN);
        } finally {
            onGpu.freeGpuBuffers();
        }
    }

    /** Uniform numbers in [-1, 1), FLOAT, from a fixed seed. */
    static INDArray random(long[] shape, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, shape).muli(2).subi(1);
    }

    /** ||a - b|| / ||b|| in double (0 when both are zero). */
    public static double relativeError(INDArray a, INDArray b) {
        INDArray da = a.castTo(DataType.DOUBLE), db = b.castTo(DataType.DOUBLE);
        double norm = db.norm2Number().doubleValue(), difference = da.sub(db).norm2Number().doubleValue();
        return norm == 0 ? difference : difference / norm;
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
