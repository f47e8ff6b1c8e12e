package io.github.alexlab.bench;

import io.github.alexlab.tensor.Gemm.Precision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DatasheetPeaksTest {
    @Test
    void namesAsCudaReportsThemFindTheirModel() {
        assertEquals("H100", DatasheetPeaks.forDevice("NVIDIA H100 80GB HBM3").orElseThrow().model());
        assertEquals("H100 PCIe", DatasheetPeaks.forDevice("NVIDIA H100 PCIe").orElseThrow().model());
        assertEquals("H100 NVL", DatasheetPeaks.forDevice("NVIDIA H100 NVL").orElseThrow().model());
        assertEquals("H200", DatasheetPeaks.forDevice("NVIDIA H200").orElseThrow().model());
        assertEquals("A100", DatasheetPeaks.forDevice("NVIDIA A100-SXM4-80GB").orElseThrow().model());
        assertEquals("T4", DatasheetPeaks.forDevice("Tesla T4").orElseThrow().model());
        assertNull(DatasheetPeaks.forDevice("Tesla T4").orElseThrow().tflops().get(Precision.TF32), "Turing has no TF32");
        assertEquals(989.4, DatasheetPeaks.forDevice("NVIDIA H100 80GB HBM3").orElseThrow().tflops().get(Precision.FP16));
        assertTrue(DatasheetPeaks.forDevice("NVIDIA GeForce GTX 1080").isEmpty());
        assertTrue(DatasheetPeaks.forDevice("NVIDIA L40S").isEmpty(), "L40S is not an L4");
    }
}
