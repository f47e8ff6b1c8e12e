package io.github.alexlab.tensor;

import io.github.alexlab.cuda.RequiresCuda;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.*;

class GpuArrayTest {
    @Test
    void aGpuArrayNeedsAGpu() {
        var e = assertThrows(IllegalArgumentException.class, () -> GpuArray.of(Nd4j.ones(DataType.FLOAT, 2), Device.cpu()));
        assertTrue(e.getMessage().contains("not on cpu"), e.getMessage());
    }

    @RequiresCuda
    @Test
    void roundTripsAreBitIdenticalInEveryType() {
        Device gpu = Device.gpu(0);
        long before = MemoryLedger.global().allocatedBytes(0);
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE, DataType.HALF, DataType.BFLOAT16, DataType.INT, DataType.BYTE}) {
            INDArray host = Nd4j.rand(DataType.FLOAT, 3, 5, 7).muli(100).castTo(type);
            try (GpuArray a = GpuArray.of(host, gpu)) {
                assertEquals(host.length() * type.width(), a.bytes());
                assertEquals(before + a.bytes(), MemoryLedger.global().allocatedBytes(0), "the ledger counts it");
                assertEquals(host, a.toHost(), type.toString());
                assertTrue(GpuArray.lastTransferSeconds() >= 0);
            }
            assertEquals(before, MemoryLedger.global().allocatedBytes(0), "close() gave the memory back");
        }
        // A view (a transposed slice) goes up as its own numbers, row-major.
        INDArray big = Nd4j.rand(DataType.FLOAT, 6, 4);
        INDArray view = big.get(NDArrayIndex.interval(1, 5)).transpose();
        try (GpuArray a = GpuArray.of(view, gpu)) {
            assertEquals(view, a.toHost());
        }
    }

    @RequiresCuda
    @Test
    void closedArraysSayTheyAreClosed() {
        GpuArray a = GpuArray.zeros(Device.gpu(0), DataType.FLOAT, 4, 4);
        assertEquals(0, a.toHost().sumNumber().doubleValue());
        a.close();
        a.close(); // twice is harmless
        var e = assertThrows(IllegalStateException.class, a::toHost);
        assertTrue(e.getMessage().contains("was closed"), e.getMessage());
    }

    @RequiresCuda
    @Test
    void outOfMemoryNamesTheRequestAndLeavesTheGpuUsable() {
        Device gpu = Device.gpu(0);
        long total = gpu.info().orElseThrow().totalMemory();
        long tooMany = total / 4 * 2; // elements of 4 bytes: twice the GPU's memory
        var e = assertThrows(GpuOutOfMemoryError.class, () -> GpuArray.zeros(gpu, DataType.FLOAT, tooMany));
        assertEquals(tooMany * 4, e.requestedBytes());
        assertTrue(e.totalBytes() > 0 && e.freeBytes() <= e.totalBytes());
        assertTrue(e.getMessage().contains("out of memory on gpu:0") && e.getMessage().contains("free of"), e.getMessage());
        try (GpuArray ok = GpuArray.of(Nd4j.ones(DataType.FLOAT, 8), gpu)) {
            assertEquals(8, ok.toHost().sumNumber().intValue(), "the GPU still works");
        }
    }
}
