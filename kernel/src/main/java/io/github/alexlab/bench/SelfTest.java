package io.github.alexlab.bench;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.nn.Dropout;
import io.github.alexlab.nn.GpuCheck;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.GpuArray;
import io.github.alexlab.tensor.GpuOutOfMemoryError;
import io.github.alexlab.tensor.MemoryLedger;
import io.github.alexlab.train.History;
import io.github.alexlab.train.SGD;
import io.github.alexlab.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;
import java.util.Map;

/**
 * Checks that this installation works on this machine, CPU and GPU, and says what it found:
 * {@code ./install.sh selftest}, or {@code bin/alexlab selftest} in a bundle. Each check prints
 * "ok", "FAIL" or "skip" with a reason; the exit status is 0 only when nothing failed.
 */
public final class SelfTest {
    private int passed, failed, skipped;

    public static void main(String[] args) {
        CpuEngine.choose();
        SelfTest t = new SelfTest();
        t.run();
        System.out.printf(Locale.ROOT, "selftest: %d passed, %d failed, %d skipped%n", t.passed, t.failed, t.skipped);
        System.exit(t.failed == 0 ? 0 : 1);
    }

    private void run() {
        System.out.println("== this machine");
        for (Map.Entry<String, String> fact : Device.facts().entrySet())
            System.out.printf("   %-26s %s%n", fact.getKey(), fact.getValue());
        System.out.println("   CPU engine                 " + CpuEngine.describe());

        System.out.println("== CPU");
        check("a short LeNet-5 epoch on the bundled Fashion-MNIST subset learns", () -> shortLeNetEpoch(Device.cpu()));

        System.out.println("== GPU");
        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available()) {
            skip("every GPU check", "no CUDA device: " + cuda.reason());
            return;
        }
        Device gpu = Device.gpu(0);
        check("host -> " + gpu + " -> host copies are bit-identical (FLOAT, HALF, BFLOAT16, INT)", () -> {
            for (DataType type : new DataType[]{DataType.FLOAT, DataType.HALF, DataType.BFLOAT16, DataType.INT}) {
                INDArray host = Nd4j.rand(DataType.FLOAT, 64, 1000).muli(100).castTo(type);
                try (GpuArray a = GpuArray.of(host, gpu)) {
                    if (!host.equals(a.toHost()))
                        return type + " came back different";
                }
            }
            return null;
        });
        check("an allocation larger than the GPU fails with a clear error, and the GPU stays usable", () -> {
            long tooMany = gpu.info().orElseThrow().totalMemory() / 2; // FLOATs: twice the memory
            try (GpuArray ignored = GpuArray.zeros(gpu, DataType.FLOAT, tooMany)) {
                return "allocated " + tooMany * 4 + " bytes on a GPU with less";
            } catch (GpuOutOfMemoryError e) {
                System.out.println("      " + e.getMessage());
            }
            try (GpuArray small = GpuArray.of(Nd4j.ones(DataType.FLOAT, 16), gpu)) {
                return small.toHost().sumNumber().intValue() == 16 ? null : "a small array after the failure came back wrong";
            }
        });
        for (Gemm.Precision p : Gemm.Precision.values())
            check("GEMM in " + p + " (cuBLAS) matches the CPU within " + p.errorBound(), () -> {
                double error = Gemm.relativeErrorAgainstCpu(p, 256, 384, 128, gpu, 1);
                return error <= p.errorBound() ? null : "relative error " + error;
            });
        for (GpuCheck.Result r : GpuCheck.everyBlock(gpu))
            check(String.format(Locale.ROOT, "%-26s GPU = CPU within %.0e (output %.1e, dL/dinput %.1e, dL/dparameters %.1e)", r.block(),
                    GpuCheck.TOLERANCE, r.output(), r.inputGradient(), r.parameterGradients()), () -> r.passed() ? null : r.toString());
        check("dropout (our own kernel, compiled with NVRTC for " + gpu.info().orElseThrow().architecture() + ") drops about p and scales the rest",
                () -> dropoutOnGpu(gpu));
        check("a short LeNet-5 epoch on " + gpu + " learns", () -> shortLeNetEpoch(gpu));
        check("the memory ledger is back to zero", () -> MemoryLedger.global().allocatedBytes(0) == 0 ? null
                : MemoryLedger.global().toString());
    }

    private String shortLeNetEpoch(Device device) throws Exception {
        FashionMnist data = FashionMnist.load();
        Sequential model = LeNet5.modern().to(device);
        var train = new DataLoader(data.train(), 64).shuffle(1).limit(2000);
        var test = new DataLoader(data.test(), 500).limit(1000);
        long start = System.nanoTime();
        SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9);
        History h = new Trainer(model, sgd).quiet().fit(train, test, 1);
        double accuracy = h.last().testAccuracy();
        System.out.printf(Locale.ROOT, "      %s on %s: test accuracy %.3f after one epoch on %d images, %.1f s%n", data.source(), device,
                accuracy, train.size(), (System.nanoTime() - start) / 1e9);
        model.to(Device.cpu());
        sgd.velocitiesToHost();
        return accuracy > 0.3 ? null : "test accuracy " + accuracy + " after one epoch (expected > 0.3)";
    }

    /** A million numbers through dropout with p = 0.3: about 30% zeros, the rest scaled by 1/0.7; backward uses the same mask. */
    private static String dropoutOnGpu(Device gpu) {
        Dropout dropout = new Dropout("dropout", 0.3, 1);
        INDArray ones = Nd4j.ones(DataType.FLOAT, 1000, 1000);
        try (GpuArray x = GpuArray.of(ones, gpu)) {
            INDArray y = dropout.forward(x).toHost();
            INDArray dx = dropout.backward(x).toHost();
            double zeros = y.eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
            double kept = y.maxNumber().doubleValue();
            System.out.printf(Locale.ROOT, "      dropped %.4f of the units (p = 0.3), kept ones scaled to %.4f (1/0.7 = %.4f)%n", zeros, kept, 1 / 0.7);
            if (Math.abs(zeros - 0.3) > 0.005 || Math.abs(kept - 1 / 0.7) > 1e-5)
                return "dropped " + zeros + ", kept ones " + kept;
            return y.equals(dx) ? null : "backward's mask differs from forward's";
        } finally {
            dropout.freeGpuBuffers();
        }
    }

    /** A check returns null when it holds, else what went wrong. */
    private interface Check {
        String run() throws Exception;
    }

    private void check(String what, Check check) {
        String problem;
        try {
            problem = check.run();
        } catch (Exception | LinkageError e) {
            problem = e.toString();
        }
        if (problem == null) {
            passed++;
            System.out.println("ok   " + what);
        } else {
            failed++;
            System.out.println("FAIL " + what + ": " + problem);
        }
    }

    private void skip(String what, String why) {
        skipped++;
        System.out.println("skip " + what + ": " + why);
    }
}
