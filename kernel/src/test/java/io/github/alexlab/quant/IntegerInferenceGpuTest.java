package io.github.alexlab.quant;

import io.github.alexlab.cuda.RequiresCuda;
import io.github.alexlab.data.Batch;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.tensor.Device;
import io.github.alexlab.tensor.MemoryLedger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@RequiresCuda
class IntegerInferenceGpuTest {
    @Test
    void cublasInt8GivesExactlyTheSumsOfTheJavaKernels() {
        // Integer sums are exact on both sides, and LeNet-5's sizes (k = 25, 150, 400; 6 and 16 channels)
        // are not multiples of 4, so this also checks the padding: every code and score must be equal.
        var lenet = LeNet5.modern();
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 37, 1, 28, 28);
        var calibration = Calibration.of(lenet, List.of(new Batch(x, Nd4j.zeros(DataType.FLOAT, 37))), 37);
        var q = QuantizedModel.of(lenet, QuantizationRecipe.int8(true, Calibrator.entropy()), calibration);
        long before = MemoryLedger.global().allocatedBytes(0);
        IntegerInference cpu = q.integer(), gpu = q.integer().on(Device.gpu(0));
        assertEquals(cpu.forward(x), gpu.forward(x));
        for (String layer : List.of("conv2", "fc1", "fc3"))
            assertEquals(cpu.inputCodes(layer), gpu.inputCodes(layer), layer);
        assertEquals(before, MemoryLedger.global().allocatedBytes(0), "every GPU buffer of the products was freed");
    }
}
