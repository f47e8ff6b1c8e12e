package io.github.alexlab.bench;

import io.github.alexlab.tensor.Gemm.Precision;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Peak dense matrix-multiply throughput of some NVIDIA GPUs, from NVIDIA's datasheets, without
 * structured sparsity (the datasheets' larger figures assume it): TFLOP/s, or TOPS for INT8. A
 * benchmark divides what it achieved by these. The first entry whose words all occur in the device
 * name wins, so the specific names come first.
 */
public final class DatasheetPeaks {
    public record Peaks(String model, Map<Precision, Double> tflops) {}

    private static final List<Peaks> KNOWN = List.of(
            peaks("H100 PCIe", 51.2, 378, 756, 756, 1513),
            peaks("H100 NVL", 60, 417.5, 835.5, 835.5, 1670.5),
            peaks("H100", 67, 494.7, 989.4, 989.4, 1978.9),      // SXM5 ("NVIDIA H100 80GB HBM3")
            peaks("H200 NVL", 60, 417.5, 835.5, 835.5, 1670.5),
            peaks("H200", 67, 494.7, 989.4, 989.4, 1978.9),      // SXM
            peaks("A100", 19.5, 156, 312, 312, 624),
            peaks("L4", 30.3, 60, 121, 121, 242.5),
            new Peaks("T4", Map.of(Precision.FP32, 8.1, Precision.FP16, 65.0, Precision.INT8, 130.0)));

    private DatasheetPeaks() {
    }

    private static Peaks peaks(String model, double fp32, double tf32, double fp16, double bf16, double int8) {
        return new Peaks(model, Map.of(Precision.FP32, fp32, Precision.TF32, tf32, Precision.FP16, fp16, Precision.BF16, bf16, Precision.INT8, int8));
    }

    /** The datasheet figures for a device name as CUDA reports it, e.g. "NVIDIA H100 80GB HBM3". */
    public static Optional<Peaks> forDevice(String deviceName) {
        for (Peaks p : KNOWN)
            if (List.of(p.model().split(" ")).stream().allMatch(word -> List.of(deviceName.split("[ -]")).contains(word)))
                return Optional.of(p);
        return Optional.empty();
    }
}
