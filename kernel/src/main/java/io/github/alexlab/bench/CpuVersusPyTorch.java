package io.github.alexlab.bench;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.Dataset;
import io.github.alexlab.models.AlexNet;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.NativeMemory;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.Trainer;
import io.github.alexlab.train.TrainingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark (not a test): AlexLab against PyTorch on this machine's CPU, the same models and work
 * in the same run. Each work item alternates: one timed run of AlexLab's, then one of PyTorch's
 * (kernel/src/main/python/torch_cpu_peer.py, in its own process, with as many threads), so that
 * both see the same machine, and with the same environment (the peer inherits this JVM's, glibc's
 * huge-page setting of jvm-flags.properties included), so that both allocate memory alike; the
 * table gives each side's median over the rounds and their ratio.
 * Where no Python imports torch, AlexLab's side runs alone and the reason is printed.
 * <p>
 * usage: CpuVersusPyTorch [rounds] [--quick]    (--quick: small sizes, to check that it runs)
 */
public final class CpuVersusPyTorch {
    /** One line of the table: the same work on both sides. */
    private record Work(String label, String peerRequest, Runnable alexlab, double flops, String target, boolean freeFirst) {
        Work(String label, String peerRequest, Runnable alexlab, double flops, String target) {
            this(label, peerRequest, alexlab, flops, target, false);
        }
    }

    private record Row(Work work, double[] ours, double[] theirs) {
        double ourMedian() {
            return Measurement.median(ours);
        }

        double theirMedian() {
            return theirs == null ? Double.NaN : Measurement.median(theirs);
        }
    }

    static final String USAGE = """
            usage: bench CpuVersusPyTorch [ROUNDS] [--quick]
              AlexLab against PyTorch on this CPU, the same work alternating in one run, as many threads
              each: the AlexNet training step and inference (batch 32), a LeNet-5 epoch (60,000 images,
              batch 256), LeNet-5 inference (batch 1000), SGEMM 2048, then each AlexNet block; medians and
              ratios. ROUNDS: timed runs per row (default 5). --quick: small sizes, to check that it runs.
              The PyTorch side is torch_cpu_peer.py (kernel/src/main/python; rerun it alone with --help); where no
              Python imports torch (Debian: apt-get install python3-torch), AlexLab's side runs alone.""";

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        for (int i = 0; i < args.length; i++)
            if (!args[i].equals("--quick") && !(i == 0 && args[i].matches("[1-9][0-9]*"))) {
                System.err.println("CpuVersusPyTorch: unknown argument '" + args[i] + "'\n" + USAGE);
                System.exit(2);
            }
        CpuEngine.choose();
        boolean quick = arguments.contains("--quick");
        int rounds = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : quick ? 2 : 5;
        int threads = Runtime.getRuntime().availableProcessors();
        int alexnetBatch = quick ? 2 : 32, lenetImages = quick ? 2048 : 60_000, gemm = quick ? 256 : 2048;

        PyTorchPeer peer = null;
        String peerMissing = null;
        try {
            peer = PyTorchPeer.serve("torch_cpu_peer.py", threads);
        } catch (IOException e) {
            peerMissing = e.getMessage();
        }
        System.out.printf(Locale.ROOT, "CPU: %s, %d threads%nAlexLab: %s%nPyTorch: %s%n%n", Device.cpuModel(), threads,
                CpuEngine.describe(), peer != null ? peer.banner() : "not run: " + peerMissing);
        try {
            List<Row> rows = new ArrayList<>();
            for (Work work : works(alexnetBatch, lenetImages, gemm)) {
                System.out.printf(Locale.ROOT, "%s ...%n", work.label());
                rows.add(measure(work, peer, work.label().startsWith("LeNet-5 epoch") ? Math.min(rounds, 3) : rounds));
            }
            printTable(rows);
            List<Row> blocks = new ArrayList<>();
            Sequential alexnet = AlexNet.singleTower(1, 224, 10);
            alexnet.train(true);
            List<Layer> layers = Sequential.blocksOf(alexnet);
            INDArray x = Nd4j.rand(DataType.FLOAT, alexnetBatch, 1, 224, 224);
            System.out.printf(Locale.ROOT, "%nEach block of AlexNet, batch %d, forward + backward ...%n", alexnetBatch);
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                INDArray input = x;
                INDArray gradient = Nd4j.rand(DataType.FLOAT, layer.outputShape(input.shape()));
                Work work = new Work(layer.name(), "alexnet-block " + i + " " + alexnetBatch, () -> {
                    layer.forward(input);
                    layer.backward(gradient);
                }, 0, "", true); // a block alone: the arrays of earlier runs are freed before each, untimed
                blocks.add(measure(work, peer, rounds));
                x = layer.forward(input);
            }
            if (peer != null) {
                blocks.sort(Comparator.comparingDouble((Row r) -> r.ourMedian() / r.theirMedian()).reversed());
                System.out.println("largest gaps first:");
            }
            printTable(blocks);
        } finally {
            if (peer != null)
                peer.close();
        }
    }

    private static List<Work> works(int alexnetBatch, int lenetImages, int gemm) {
        List<Work> works = new ArrayList<>();
        Sequential alexnet = AlexNet.singleTower(1, 224, 10);
        alexnet.train(true);
        INDArray images = Nd4j.rand(DataType.FLOAT, alexnetBatch, 1, 224, 224);
        INDArray labels = AlexNetCpuBenchmark.cyclicLabels(alexnetBatch);
        TrainingStep step = new TrainingStep(alexnet, new SGD(alexnet.parameters(), 1e-6).momentum(0.9));
        works.add(new Work("AlexNet training step, batch " + alexnetBatch, "alexnet-step " + alexnetBatch,
                () -> step.run(images, labels), 0, "<= 0.8"));

        Sequential inference = AlexNet.singleTower(1, 224, 10);
        inference.train(false);
        works.add(new Work("AlexNet inference, batch " + alexnetBatch, "alexnet-infer " + alexnetBatch, () -> {
            NativeMemory.releaseBetweenSteps();
            inference.forward(images);
        }, 0, "<= 0.9"));

        Sequential lenet = LeNet5.modern();
        INDArray digits = Nd4j.rand(DataType.FLOAT, lenetImages, 1, 28, 28);
        INDArray classes = Nd4j.createFromArray(new Random(1).ints(lenetImages, 0, 10).toArray()).castTo(DataType.FLOAT);
        Trainer trainer = new Trainer(lenet, new SGD(lenet.parameters(), 0.05).momentum(0.9).weightDecay(5e-4)).quiet();
        DataLoader epoch = new DataLoader(new Dataset("random images", digits, classes), 256).shuffle(1);
        works.add(new Work(String.format(Locale.ROOT, "LeNet-5 epoch, batch 256, %,d images", lenetImages),
                "lenet-epoch 256 " + lenetImages, () -> trainer.fit(epoch, null, 1), 0, "<= 1.0"));

        Sequential lenetInference = LeNet5.modern();
        lenetInference.train(false);
        INDArray thousand = digits.get(NDArrayIndex.interval(0, Math.min(1000, lenetImages))).dup();
        works.add(new Work("LeNet-5 inference, batch " + thousand.size(0), "lenet-infer " + thousand.size(0), () -> {
            NativeMemory.releaseBetweenSteps();
            lenetInference.forward(thousand);
        }, 0, ""));

        INDArray a = Nd4j.rand(DataType.FLOAT, gemm, gemm).subi(0.5), b = Nd4j.rand(DataType.FLOAT, gemm, gemm).subi(0.5);
        INDArray c = Nd4j.create(DataType.FLOAT, gemm, gemm);
        // into a row-major C, as the layers call it (INDArray.mmul allocates a column-major result and is slower)
        works.add(new Work("SGEMM " + gemm + " (GFLOP/s)", "sgemm " + gemm, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0),
                2.0 * gemm * gemm * gemm, ">= 0.95"));
        return works;
    }

    /** Alternating rounds: a warm-up of each side, then one timed run of each per round. */
    private static Row measure(Work work, PyTorchPeer peer, int rounds) throws IOException {
        double[] ours = new double[rounds], theirs = peer == null ? null : new double[rounds];
        work.alexlab().run(); // warm-up (the peer warms itself up on its first request)
        for (int r = 0; r < rounds; r++) {
            if (work.freeFirst())
                NativeMemory.releaseUnreachable();
            long start = System.nanoTime();
            work.alexlab().run();
            ours[r] = (System.nanoTime() - start) / 1e6;
            if (peer != null)
                theirs[r] = peer.millis(work.peerRequest());
        }
        return new Row(work, ours, theirs);
    }

    private static void printTable(List<Row> rows) {
        System.out.printf(Locale.ROOT, "%n%-42s %6s %12s %12s %7s %8s%n", "work (medians of alternating runs)", "runs",
                "AlexLab", "PyTorch", "ratio", "target");
        for (Row row : rows) {
            Work w = row.work();
            double ours = row.ourMedian(), theirs = row.theirMedian();
            boolean rate = w.flops() > 0; // GFLOP/s: larger is better, and the ratio is ours / theirs
            String a = rate ? String.format(Locale.ROOT, "%.0f", w.flops() / ours / 1e6) : millis(ours);
            String t = Double.isNaN(theirs) ? "-" : rate ? String.format(Locale.ROOT, "%.0f", w.flops() / theirs / 1e6) : millis(theirs);
            String ratio = Double.isNaN(theirs) ? "-" : String.format(Locale.ROOT, "%.2f", rate ? theirs / ours : ours / theirs);
            System.out.printf(Locale.ROOT, "%-42s %6d %12s %12s %7s %8s%n", w.label(), row.ours().length, a, t, ratio, w.target());
        }
        System.out.println("ratio: AlexLab's time / PyTorch's (below 1: AlexLab is faster); for GFLOP/s, AlexLab's / PyTorch's");
    }

    private static String millis(double ms) {
        return ms >= 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1e3) : String.format(Locale.ROOT, "%,.1f ms", ms);
    }
}
