package io.github.alexlab.bench;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.Gemm;
import io.github.alexlab.tensor.GpuArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.cuda.global.cudart;
import io.github.alexlab.cuda.CudaException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The two ceilings of a machine, measured here and now (not read from a datasheet): how many
 * floating-point operations per second it can do at best, and how many bytes per second it can move
 * to and from its main memory. A kernel that does I operations per byte can go no faster than
 * min(peak, bandwidth x I): the roofline of Williams, Waterman and Patterson (CACM 52(4), 2009).
 *
 * @param peakGflops    the best FP32 rate measured, GFLOP/s
 * @param peakHow       how it was measured
 * @param bandwidthGBs  the best memory bandwidth measured, GB/s (10^9 bytes)
 * @param bandwidthHow  how it was measured
 */
public record Ceilings(Device device, double peakGflops, String peakHow, double bandwidthGBs, String bandwidthHow) {

    /** The fastest a kernel of {@code intensity} FLOP/byte can run on this device, GFLOP/s. */
    public double roof(double intensity) {
        return Math.min(peakGflops, bandwidthGBs * intensity);
    }

    /** The intensity where the two ceilings meet: below it a kernel waits for memory, above it for arithmetic. */
    public double ridge() {
        return peakGflops / bandwidthGBs;
    }

    /** Where the ceilings of this device are, measured: a few seconds on a CPU, less on a GPU. */
    public static Ceilings measure(Device device) {
        return device.isGpu() ? gpu(device) : cpu();
    }

    // ---- CPU ----------------------------------------------------------------------------------

    /**
     * CPU peak: every core runs a loop of fused multiply-adds on vectors held in registers, so that
     * memory plays no part (or OpenBLAS's SGEMM, when it gets closer to the hardware's limit). Eight independent accumulators, because an FMA's result is ready only
     * ~4 cycles later and a core can start two per cycle: fewer chains would leave the units idle.
     * CPU bandwidth: the STREAM "triad" a[i] = b[i] + s c[i] over arrays far larger than the caches,
     * on every core, counted as 12 bytes per element (the hardware moves 16: writing a[i] first
     * reads its cache line, which STREAM does not count), and x[i] *= s in place (8 bytes, nothing
     * uncounted); the better of the two.
     */
    static Ceilings cpu() {
        int cores = Runtime.getRuntime().availableProcessors();
        Measurement peak = Measure.of("FMA loop on " + cores + " cores", () -> fmaLoop(cores, FMA_ITERATIONS))
                .flops(2.0 * FMA_CHAINS * SPECIES.length() * FMA_ITERATIONS * cores).warmups(2).repeats(5).run();
        int length = 1 << 26; // 64 Mi floats = 256 MiB per array, far beyond any L3 cache
        float[] a = new float[length], b = new float[length], c = new float[length];
        Arrays.fill(b, 1f);
        Arrays.fill(c, 2f);
        Measurement triad = Measure.of("triad", () -> triad(a, b, c, 3f, cores))
                .flops(2.0 * length).bytes(12.0 * length).warmups(2).repeats(5).run();
        Measurement scale = Measure.of("scale in place", () -> scaleInPlace(a, 0.5f, cores))
                .flops(length).bytes(8.0 * length).warmups(2).repeats(5).run();
        // A tuned SGEMM can beat our FMA loop (the JIT's loop is not perfect assembly): the peak is the better of the two.
        int n = 2048;
        var ga = Nd4j.rand(DataType.FLOAT, n, n);
        var gc = Nd4j.create(DataType.FLOAT, n, n);
        Measurement sgemm = Measure.of("SGEMM 2048", () -> Nd4j.gemm(ga, ga, gc, false, false, 1.0, 0.0))
                .flops(2.0 * n * n * n).warmups(1).repeats(5).run();
        boolean loopWins = peak.gflops() >= sgemm.gflops();
        return new Ceilings(Device.cpu(), Math.max(peak.gflops(), sgemm.gflops()),
                String.format(Locale.ROOT, "the better of %d cores x %d independent %d-float FMA chains in registers (%.1f GFLOP/s) "
                        + "and OpenBLAS SGEMM at n = 2048 (%.1f GFLOP/s): %s", cores, FMA_CHAINS, SPECIES.length(),
                        peak.gflops(), sgemm.gflops(), loopWins ? "the loop" : "SGEMM"),
                Math.max(triad.gbPerSecond(), scale.gbPerSecond()),
                String.format(Locale.ROOT, "the better of STREAM triad (%.1f GB/s) and x *= s in place (%.1f GB/s) on 256 MiB arrays",
                        triad.gbPerSecond(), scale.gbPerSecond()));
    }

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int FMA_CHAINS = 8, FMA_ITERATIONS = 20_000_000;

    private static void fmaLoop(int cores, int iterations) {
        float sum = (float) IntStream.range(0, cores).parallel().mapToDouble(core -> {
            FloatVector x = FloatVector.broadcast(SPECIES, 0.999f), y = FloatVector.broadcast(SPECIES, 1e-4f);
            FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int i = 0; i < iterations; i++) {
                c0 = c0.fma(x, y);
                c1 = c1.fma(x, y);
                c2 = c2.fma(x, y);
                c3 = c3.fma(x, y);
                c4 = c4.fma(x, y);
                c5 = c5.fma(x, y);
                c6 = c6.fma(x, y);
                c7 = c7.fma(x, y);
            }
            return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
        }).sum();
        if (Float.isNaN(sum)) // uses the result, so the JIT cannot drop the loop
            throw new IllegalStateException("FMA loop produced NaN");
    }

    private static void scaleInPlace(float[] a, float s, int cores) {
        int chunk = (a.length + cores - 1) / cores;
        IntStream.range(0, cores).parallel().forEach(part -> {
            int from = part * chunk, to = Math.min(a.length, from + chunk);
            for (int i = from; i < to; i++)
                a[i] = s * a[i];
        });
    }

    private static void triad(float[] a, float[] b, float[] c, float s, int cores) {
        int chunk = (a.length + cores - 1) / cores;
        IntStream.range(0, cores).parallel().forEach(part -> {
            int from = part * chunk, to = Math.min(a.length, from + chunk);
            for (int i = from; i < to; i++)
                a[i] = b[i] + s * c[i];
        });
    }

    // ---- GPU ----------------------------------------------------------------------------------

    /**
     * GPU peak (FP32 on the CUDA cores): the best of cuBLAS SGEMM at n = 4096 and 8192, which is within
     * a few percent of what the chip can do. GPU bandwidth: a 1 GiB copy inside GPU memory, counted as
     * 2 GiB moved (read once, written once).
     */
    static Ceilings gpu(Device gpu) {
        double best = 0;
        for (int n : new int[]{4096, 8192}) {
            var host = Nd4j.rand(DataType.FLOAT, n, n);
            try (GpuArray a = GpuArray.of(host, gpu); GpuArray b = GpuArray.of(host, gpu); GpuArray c = GpuArray.zeros(gpu, DataType.FLOAT, n, n)) {
                best = Math.max(best, Measure.of("SGEMM " + n, () -> Gemm.multiply(a, b, c, Gemm.Precision.FP32)).on(gpu)
                        .flops(2.0 * n * n * n).warmups(2).repeats(10).run().gflops());
            }
        }
        long floats = 1L << 28; // 1 GiB
        Measurement copy;
        try (GpuArray from = GpuArray.zeros(gpu, DataType.FLOAT, floats); GpuArray to = GpuArray.zeros(gpu, DataType.FLOAT, floats)) {
            copy = Measure.of("copy 1 GiB", () -> CudaException.check(cudart.cudaMemcpy(to.pointer(), from.pointer(), 4 * floats,
                    cudart.cudaMemcpyDeviceToDevice), "cudaMemcpy device to device")).on(gpu).bytes(2.0 * 4 * floats).warmups(2).repeats(10).run();
        }
        return new Ceilings(gpu, best, "best cuBLAS SGEMM (FP32, CUDA cores) at n = 4096 and 8192",
                copy.gbPerSecond(), "cudaMemcpy of 1 GiB within GPU memory, 2 bytes moved per byte copied");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: peak %.1f GFLOP/s (%s); memory %.1f GB/s (%s); ridge at %.1f FLOP/byte",
                device, peakGflops, peakHow, bandwidthGBs, bandwidthHow, ridge());
    }
}
