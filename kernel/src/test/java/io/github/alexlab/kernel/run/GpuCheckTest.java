package io.github.alexlab.kernel.run;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The AlexLab / PyTorch table reads what GemmBenchmark, AlexNetGpuBenchmark and torch_peer.py print. */
class GpuCheckTest {
    @Test
    void ratiosComeFromBothReportsSideBySide() {
        // The lines as the two sides print them (GemmBenchmark's format, then torch_peer.py's).
        List<String> gemm = List.of("GPU 0: NVIDIA H200, ...; datasheet peaks: ...",
                String.format(Locale.ROOT, "%-6s %6s %10s %12s %10s", "", "n", "ms", "TFLOP/s", "of peak"),
                String.format(Locale.ROOT, "%-6s %6d %10.3f %12.1f %10s", "FP32", 4096, 3.0, 45.8, "68%"),
                String.format(Locale.ROOT, "%-6s %6d %10.3f %12.1f %10s", "INT8", 4096, 0.4, 340.0, "-"));
        List<String> torchGemm = List.of("gemm device NVIDIA H200, torch 2.11",
                "gemm FP32 4096 2.800 ms 49.09 TFLOP/s", "gemm INT8 4096 skipped: no _int_mm");
        List<String> alexnet = List.of(String.format(Locale.ROOT,
                "GPU  %9.2f ms per step  %9.1f images/s   (work only, CUDA events; median of %d after 3 warm-ups)", 40.0, 3200.0, 20));
        List<String> torchAlexnet = List.of("alexnet FP32 30.00 ms per step 4266.7 images/s");
        List<String> lines = GpuCheck.ratioLines(gemm, alexnet, torchGemm, torchAlexnet);
        assertEquals(List.of(
                "GEMM FP32  n=4096   AlexLab     45.8 TFLOP/s  PyTorch     49.1  ratio 0.93",
                "GEMM INT8  n=4096   AlexLab    340.0 TFLOP/s  PyTorch        -  ratio -",
                "AlexNet one tower, batch 128, FP32, training step: AlexLab 40.00 ms, PyTorch 30.00 ms, ratio 0.75"), lines);
    }
}
