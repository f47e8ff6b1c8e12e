package io.github.alexlab.tensor;

import io.github.alexlab.cuda.RequiresCuda;
import io.github.alexlab.tensor.Gemm.Precision;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.*;

@RequiresCuda
class GemmTest {
    @Test
    void everyPrecisionMatchesTheCpuWithinItsBound() {
        for (Precision p : Precision.values()) { // not square, so that a swapped m and n shows
            double error = Gemm.relativeErrorAgainstCpu(p, 64, 96, 32, Device.gpu(0), 7);
            assertTrue(error <= p.errorBound(), p + ": relative error " + error + " (bound " + p.errorBound() + ")");
        }
    }

    @Test
    void wrongShapesAndTypesAreRefusedBeforeTheGpuRuns() {
        Device gpu = Device.gpu(0);
        try (GpuArray a = GpuArray.zeros(gpu, DataType.FLOAT, 4, 8); GpuArray b = GpuArray.zeros(gpu, DataType.FLOAT, 4, 8);
             GpuArray c = GpuArray.zeros(gpu, DataType.FLOAT, 4, 8); GpuArray h = GpuArray.zeros(gpu, DataType.HALF, 8, 8)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Gemm.multiply(a, b, c, Precision.FP32));
            assertTrue(e.getMessage().contains("A [4, 8], B [4, 8]"), e.getMessage());
            var t = assertThrows(IllegalArgumentException.class, () -> Gemm.multiply(a, h, c, Precision.FP32));
            assertTrue(t.getMessage().contains("must be FLOAT"), t.getMessage());
        }
    }
}
