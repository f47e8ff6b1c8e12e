package io.github.alexlab.bench;

import io.github.alexlab.models.AlexNet;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.nn.CrossEntropyLoss;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.NativeMemory;
import io.github.alexlab.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): one training step of the one-tower AlexNet (1x224x224, 10 classes) at
 * batch 32 on this machine's CPU: forward, and forward + backward, as the median of several runs
 * after a warm-up, then the share of the time each layer takes. A step's time includes freeing the
 * previous step's arrays ({@link NativeMemory}); the forward time is the sum of the layers' forward times.
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
        INDArray images = Nd4j.rand(DataType.FLOAT, batch, 1, 224, 224);
        INDArray labels = Nd4j.createFromArray(new int[batch]).castTo(DataType.FLOAT);
        for (int i = 0; i < batch; i++)
            labels.putScalar(i, i % 10);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        List<Layer> layers = model.layers();
        double[][] forwardMs = new double[runs][layers.size()], backwardMs = new double[runs][layers.size()];
        double[] forwardTotal = new double[runs], stepTotal = new double[runs];

        System.out.printf(Locale.ROOT, "%s, batch %d, %s, %d CPU threads%n", model.name(), batch,
                CpuEngine.describe(), Runtime.getRuntime().availableProcessors());
        step(model, layers, images, labels, loss, new double[layers.size()], new double[layers.size()]); // warm-up
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            step(model, layers, images, labels, loss, forwardMs[r], backwardMs[r]);
            stepTotal[r] = (System.nanoTime() - t0) / 1e6;
            forwardTotal[r] = Arrays.stream(forwardMs[r]).sum();
        }
        double forward = median(forwardTotal), total = median(stepTotal);
        System.out.printf(Locale.ROOT, "forward            %8.0f ms (median of %d; target <= 700 ms)%n", forward, runs);
        System.out.printf(Locale.ROOT, "forward + backward %8.0f ms (median of %d; target <= 2600 ms)%n", total, runs);
        System.out.printf(Locale.ROOT, "%n%-10s %10s %10s %8s%n", "layer", "fwd ms", "bwd ms", "share");
        for (int l = 0; l < layers.size(); l++) {
            double f = median(column(forwardMs, l)), b = median(column(backwardMs, l));
            System.out.printf(Locale.ROOT, "%-10s %10.1f %10.1f %7.1f%%%n", layers.get(l).name(), f, b, 100 * (f + b) / total);
        }
    }

    private static void step(Sequential model, List<Layer> layers, INDArray images, INDArray labels,
                             CrossEntropyLoss loss, double[] forwardMs, double[] backwardMs) {
        NativeMemory.releaseUnreachable(); // the last step's arrays: part of a step's cost, so timed with it
        model.zeroGradients();
        INDArray x = images;
        for (int l = 0; l < layers.size(); l++) {
            long t = System.nanoTime();
            x = layers.get(l).forward(x);
            forwardMs[l] = (System.nanoTime() - t) / 1e6;
        }
        loss.forward(x, labels);
        INDArray g = loss.backward();
        for (int l = layers.size() - 1; l >= 0; l--) {
            long t = System.nanoTime();
            g = layers.get(l).backward(g);
            backwardMs[l] = (System.nanoTime() - t) / 1e6;
        }
    }

    private static double[] column(double[][] m, int c) {
        double[] v = new double[m.length];
        for (int r = 0; r < m.length; r++)
            v[r] = m[r][c];
        return v;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
