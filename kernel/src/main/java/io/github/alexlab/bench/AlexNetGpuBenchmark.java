package io.github.alexlab.bench;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.models.AlexNet;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.GpuTimer;
import io.github.alexlab.tensor.MemoryLedger;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.TrainingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Benchmark (not a test): the one-tower AlexNet (1x224x224, 10 classes), one training step at one batch
 * size, on the CPU and on the GPU in the same run, in images per second. The same step on both, the
 * {@link TrainingStep} that Trainer runs: zero the gradients, forward, cross-entropy, backward, SGD
 * update with momentum. On the GPU the step is timed twice: the work alone (CUDA events, from after the
 * batch's copy) and with the batch's copy from the host, which a training loop also pays. Each figure
 * is the median of several steps after warm-up steps.
 * <p>
 * usage: AlexNetGpuBenchmark [batch] [gpuSteps] [cpuSteps]   (defaults 128, 20, 3)
 */
public final class AlexNetGpuBenchmark {
    public static void main(String[] args) {
        CpuEngine.choose();
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int gpuSteps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int cpuSteps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        INDArray images = Nd4j.rand(DataType.FLOAT, batch, 1, 224, 224);
        INDArray labels = Nd4j.create(DataType.FLOAT, batch);
        for (int i = 0; i < batch; i++)
            labels.putScalar(i, i % 10);
        System.out.printf(Locale.ROOT, "AlexNet.singleTower(1, 224, 10), batch %d, training step (forward, backward, SGD update)%n", batch);
        System.out.println("CPU: " + CpuEngine.describe() + ", " + Runtime.getRuntime().availableProcessors() + " cores");

        double cpuMs = cpuStepMillis(images, labels, cpuSteps);
        System.out.printf(Locale.ROOT, "CPU  %9.1f ms per step  %9.1f images/s   (median of %d after 1 warm-up)%n", cpuMs, batch / cpuMs * 1e3, cpuSteps);

        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available()) {
            System.out.println("GPU  skipped: no CUDA device: " + cuda.reason());
            return;
        }
        Device gpu = Device.gpu(0);
        System.out.println("GPU: " + gpu.info().orElseThrow());
        double[] gpuMs = gpuStepMillis(images, labels, gpu, gpuSteps);
        System.out.printf(Locale.ROOT, "GPU  %9.2f ms per step  %9.1f images/s   (work only, CUDA events; median of %d after 3 warm-ups)%n",
                gpuMs[0], batch / gpuMs[0] * 1e3, gpuSteps);
        System.out.printf(Locale.ROOT, "GPU  %9.2f ms per step  %9.1f images/s   (with the batch's copy from the host, %.1f MB)%n",
                gpuMs[1], batch / gpuMs[1] * 1e3, images.length() * 4 / 1e6);
        System.out.printf(Locale.ROOT, "GPU / CPU: %.1fx (work only), %.1fx (with the copy); peak GPU memory %.2f GiB%n",
                cpuMs / gpuMs[0], cpuMs / gpuMs[1], MemoryLedger.global().peakBytes(gpu.index()) / (double) (1L << 30));
    }

    private static double cpuStepMillis(INDArray images, INDArray labels, int steps) {
        Sequential model = AlexNet.singleTower(1, 224, 10);
        model.train(true);
        TrainingStep step = new TrainingStep(model, new SGD(model.parameters(), 1e-6).momentum(0.9));
        double[] ms = new double[steps];
        for (int s = -1; s < steps; s++) {
            long start = System.nanoTime();
            step.run(images, labels);
            if (s >= 0)
                ms[s] = (System.nanoTime() - start) / 1e6;
        }
        return Measurement.median(ms);
    }

    /** {work only, with the copy} in ms. */
    private static double[] gpuStepMillis(INDArray images, INDArray labels, Device gpu, int steps) {
        Sequential model = AlexNet.singleTower(1, 224, 10).to(gpu);
        model.train(true);
        SGD sgd = new SGD(model.parameters(), 1e-6).momentum(0.9);
        GpuTimer[] timer = new GpuTimer[1];
        TrainingStep step = new TrainingStep(model, sgd, new TrainingStep.Hooks() {
            @Override
            public void beforeForward() {
                timer[0] = GpuTimer.start(gpu); // the batch is on the GPU now: the work starts
            }

            @Override
            public boolean seesArrays() {
                return false;
            }
        });
        double[] work = new double[steps], withCopy = new double[steps];
        try {
            for (int s = -3; s < steps; s++) {
                long start = System.nanoTime();
                step.run(images, labels);
                try (GpuTimer t = timer[0]) {
                    double ms = t.stopMillis(); // waits for the GPU
                    if (s >= 0) {
                        work[s] = ms;
                        withCopy[s] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
        } finally {
            step.freeGpuBuffers();
            sgd.velocitiesToHost();
            model.to(Device.cpu());
        }
        return new double[]{Measurement.median(work), Measurement.median(withCopy)};
    }
}
