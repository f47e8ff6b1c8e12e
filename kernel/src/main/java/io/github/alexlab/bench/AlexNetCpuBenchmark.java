package io.github.alexlab.bench;

import io.github.alexlab.models.AlexNet;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.NativeMemory;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.TrainingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): one training step of the one-tower AlexNet (1x224x224, 10 classes) at
 * batch 32 on this machine's CPU, the {@link TrainingStep} that Trainer runs (SGD with momentum):
 * forward, forward + backward, the SGD update and the whole step, as the median of several runs
 * after a warm-up, then the share of the time each layer takes. A step's time includes freeing
 * earlier steps' arrays ({@link NativeMemory}); the forward time is the sum of the layers' forward times.
 * <p>
 * usage: AlexNetCpuBenchmark [batch] [runs]
 */
public final class AlexNetCpuBenchmark {
    public static void main(String[] args) {
        CpuEngine.choose();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Sequential model = AlexNet.singleTower(1, 224, 10);
        model.train(true);
        INDArray images = Nd4j.rand(DataType.FLOAT, batch, 1, 224, 224), labels = cyclicLabels(batch);
        BlockTimes times = new BlockTimes(Sequential.blocksOf(model).size());
        TrainingStep step = new TrainingStep(model, new SGD(model.parameters(), 1e-6).momentum(0.9), times);
        List<Layer> layers = step.blocks();
        double[][] forwardMs = new double[runs][], backwardMs = new double[runs][];
        double[] forwardTotal = new double[runs], updateTotal = new double[runs], stepTotal = new double[runs];

        System.out.printf(Locale.ROOT, "%s, batch %d, %s, %d CPU threads%n", model.name(), batch,
                CpuEngine.describe(), Runtime.getRuntime().availableProcessors());
        step.run(images, labels); // warm-up
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            step.run(images, labels);
            long t1 = System.nanoTime();
            stepTotal[r] = (t1 - t0) / 1e6;
            updateTotal[r] = (t1 - times.updateStart) / 1e6;
            forwardMs[r] = times.forwardMs.clone();
            backwardMs[r] = times.backwardMs.clone();
            forwardTotal[r] = Arrays.stream(forwardMs[r]).sum();
        }
        double forward = Measurement.median(forwardTotal), update = Measurement.median(updateTotal), total = Measurement.median(stepTotal);
        System.out.printf(Locale.ROOT, "forward            %8.0f ms (median of %d; target <= 700 ms)%n", forward, runs);
        System.out.printf(Locale.ROOT, "forward + backward %8.0f ms (the step without the update; target <= 2600 ms)%n",
                Measurement.median(minus(stepTotal, updateTotal)));
        System.out.printf(Locale.ROOT, "SGD update         %8.0f ms%n", update);
        System.out.printf(Locale.ROOT, "training step      %8.0f ms (median of %d)%n", total, runs);
        System.out.printf(Locale.ROOT, "%n%-10s %10s %10s %8s%n", "layer", "fwd ms", "bwd ms", "share");
        for (int l = 0; l < layers.size(); l++) {
            double f = Measurement.median(column(forwardMs, l)), b = Measurement.median(column(backwardMs, l));
            System.out.printf(Locale.ROOT, "%-10s %10.1f %10.1f %7.1f%%%n", layers.get(l).name(), f, b, 100 * (f + b) / total);
        }
    }

    /**
     * Times each block inside the shared step: a block's time is the time from the hook before it to
     * the hook after it. The first block's backward (to its parameters only) ends the backward pass.
     */
    private static final class BlockTimes implements TrainingStep.Hooks {
        final double[] forwardMs, backwardMs;
        long mark, updateStart;

        BlockTimes(int blocks) {
            forwardMs = new double[blocks];
            backwardMs = new double[blocks];
        }

        private double lap() {
            long now = System.nanoTime();
            double ms = (now - mark) / 1e6;
            mark = now;
            return ms;
        }

        @Override
        public void beforeForward() {
            mark = System.nanoTime();
        }

        @Override
        public INDArray afterForward(int index, Layer block, INDArray output) {
            forwardMs[index] = lap();
            return output;
        }

        @Override
        public INDArray lossGradient(INDArray gradient) {
            lap(); // the loss belongs to no block
            return gradient;
        }

        @Override
        public INDArray afterBackward(int index, Layer block, INDArray gradInput) {
            backwardMs[index] = lap();
            return gradInput;
        }

        @Override
        public void afterBackwardPass() {
            backwardMs[0] = lap();
        }

        @Override
        public boolean beforeUpdate() {
            updateStart = System.nanoTime();
            return true;
        }
    }

    /** Labels 0, 1, ..., 9, 0, 1, ... for a batch of random images: every class, as a real batch has. */
    static INDArray cyclicLabels(int batch) {
        INDArray labels = Nd4j.create(DataType.FLOAT, batch);
        for (int i = 0; i < batch; i++)
            labels.putScalar(i, i % 10);
        return labels;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++)
            d[i] = a[i] - b[i];
        return d;
    }

    private static double[] column(double[][] m, int c) {
        double[] v = new double[m.length];
        for (int r = 0; r < m.length; r++)
            v[r] = m[r][c];
        return v;
    }
}
