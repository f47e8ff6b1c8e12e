package io.github.alexlab.bench;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.cuda.CudaException;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.Gemm.Precision;
import io.github.alexlab.tensor.GpuArray;
import org.bytedeco.cuda.global.cudart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark (not a test): square matrix multiplies on the GPU in every precision, as TFLOP/s (TOPS for
 * INT8) and as a fraction of the datasheet peak. 2 n^3 operations per multiply; the median of 10 runs
 * after 3 warm-up runs, each timed from launch to cudaDeviceSynchronize.
 * <p>
 * usage: GemmBenchmark [n...]   (default 4096 8192)
 */
public final class GemmBenchmark {
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[]{4096, 8192} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available()) {
            System.out.println("GemmBenchmark needs a GPU: " + cuda);
            System.exit(2);
        }
        Device gpu = Device.gpu(0);
        String name = gpu.info().orElseThrow().name();
        var peaks = DatasheetPeaks.forDevice(name);
        System.out.println(gpu.info().orElseThrow() + "; datasheet peaks: " + peaks.map(p -> p.model() + " " + p.tflops()).orElse("unknown for this GPU"));
        System.out.printf(Locale.ROOT, "%-6s %6s %10s %12s %10s%n", "", "n", "ms", "TFLOP/s", "of peak");
        for (int n : sizes)
            for (Precision p : Precision.values()) {
                double seconds = time(gpu, n, p);
                double rate = 2.0 * n * n * n / seconds / 1e12;
                Double peak = peaks.map(x -> x.tflops().get(p)).orElse(null);
                System.out.printf(Locale.ROOT, "%-6s %6d %10.3f %12.1f %10s%n", p, n, seconds * 1e3, rate,
                        peak == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * rate / peak));
            }
    }

    private static double time(Device gpu, int n, Precision p) {
        var host = Nd4j.rand(DataType.FLOAT, n, n).subi(0.5).muli(p == Precision.INT8 ? 200 : 1);
        try (GpuArray a = GpuArray.of(host.castTo(p.input), gpu); GpuArray b = GpuArray.of(host.castTo(p.input), gpu);
             GpuArray c = GpuArray.zeros(gpu, p.output, n, n)) {
            double[] runs = new double[13];
            for (int r = 0; r < runs.length; r++) {
                long start = System.nanoTime();
                Gemm.multiply(a, b, c, p);
                CudaException.check(cudart.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
                runs[r] = (System.nanoTime() - start) / 1e9;
            }
            double[] timed = Arrays.copyOfRange(runs, 3, runs.length);
            Arrays.sort(timed);
            return timed[timed.length / 2];
        }
    }
}
