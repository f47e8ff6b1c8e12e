package io.github.alexlab.tensor;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.cuda.CudaException;
import io.github.alexlab.cuda.NvrtcCompileException;
import io.github.alexlab.cuda.RequiresCuda;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class CudaKernelTest {
    static final String SAXPY = """
            extern "C" __global__ void saxpy(int n, float a, const float* x, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = a * x[i] + y[i];
            }
            """;

    // --- without a GPU: how arguments become the bytes the driver reads ---

    @Test
    void eachArgumentGetsAnEightByteSlotInTheMachinesByteOrder() {
        byte[] bytes = CudaKernel.argumentValues("k", Device.cpu(), null, 7, 2.5f, 3L, 1.5, (short) -2, (byte) 5);
        assertEquals(6 * 8, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        assertEquals(7, b.getInt(0));
        assertEquals(0, b.getInt(4), "the rest of a slot is zero");
        assertEquals(2.5f, b.getFloat(8));
        assertEquals(3L, b.getLong(16));
        assertEquals(1.5, b.getDouble(24));
        assertEquals(-2, b.getShort(32));
        assertEquals(5, b.get(40));
    }

    @Test
    void anArgumentOfAnotherTypeIsNamedByItsPlace() {
        var e = assertThrows(IllegalArgumentException.class, () -> CudaKernel.argumentValues("k", Device.cpu(), null, 1, "two"));
        assertTrue(e.getMessage().startsWith("args[1] is a String;"), e.getMessage());
        assertTrue(e.getMessage().contains("GpuArray (for a pointer)"), e.getMessage());
        var n = assertThrows(IllegalArgumentException.class, () -> CudaKernel.argumentValues("k", Device.cpu(), null, (Object) null));
        assertTrue(n.getMessage().startsWith("args[0] is null"), n.getMessage());
        var bool = assertThrows(IllegalArgumentException.class, () -> CudaKernel.argumentValues("k", Device.cpu(), null, 1, 2, true));
        assertTrue(bool.getMessage().startsWith("args[2] is a Boolean"), bool.getMessage());
    }

    @Test
    void knownParametersCheckTheCountAndEachSize() {
        long[] saxpy = {4, 4, 8, 8}; // int n, float a, const float* x, float* y
        var count = assertThrows(IllegalArgumentException.class, () -> CudaKernel.argumentValues("saxpy", Device.cpu(), saxpy, 10, 2f, 0L));
        assertEquals("saxpy takes 4 argument(s), got 3", count.getMessage());
        // 2.0 is a double in Java: 8 bytes where the kernel reads a 4-byte float.
        var size = assertThrows(IllegalArgumentException.class, () -> CudaKernel.argumentValues("saxpy", Device.cpu(), saxpy, 10, 2.0, 0L, 0L));
        assertTrue(size.getMessage().startsWith("args[1] is a Double of 8 byte(s), but parameter 1 of saxpy has 4"), size.getMessage());
        assertTrue(size.getMessage().contains("pass 2.0f"), size.getMessage());
        assertEquals(32, CudaKernel.argumentValues("saxpy", Device.cpu(), saxpy, 10, 2f, 0L, 0L).length);
    }

    @Test
    void blocksForCoversEveryElement() {
        assertEquals(4, CudaKernel.blocksFor(1000, 256));
        assertEquals(4, CudaKernel.blocksFor(1024, 256));
        assertEquals(5, CudaKernel.blocksFor(1025, 256));
        assertEquals(1, CudaKernel.blocksFor(0, 256), "a launch needs a block");
        assertThrows(IllegalArgumentException.class, () -> CudaKernel.blocksFor(10, 0));
        assertThrows(IllegalArgumentException.class, () -> CudaKernel.blocksFor(-1, 256));
    }

    @Test
    void aSizeIsAtLeastOneInEachDimension() {
        assertEquals(new CudaKernel.Dim3(16, 8, 1), CudaKernel.Dim3.of(16, 8));
        var e = assertThrows(IllegalArgumentException.class, () -> CudaKernel.Dim3.of(0));
        assertTrue(e.getMessage().contains("(0, 1, 1)"), e.getMessage());
    }

    @Test
    void aMissingKernelIsExplained() {
        String mangled = CudaKernel.notFound("saxpy", List.of("_Z5saxpyifPKfPf"));
        assertTrue(mangled.contains("renamed it _Z5saxpyifPKfPf") && mangled.contains("extern \"C\" __global__ void saxpy(...)"), mangled);
        String other = CudaKernel.notFound("saxpy", List.of("relu", "_Z5scalePf"));
        assertTrue(other.startsWith("there is no kernel named saxpy; the source has relu, _Z5scalePf."), other);
        String none = CudaKernel.notFound("saxpy", List.of());
        assertTrue(none.contains("no kernel (a kernel is a __global__ function)"), none);
    }

    @Test
    void aKernelNeedsAGpu() {
        var e = assertThrows(IllegalArgumentException.class, () -> CudaKernel.compile(Device.cpu(), SAXPY, "saxpy"));
        assertTrue(e.getMessage().contains("not on cpu"), e.getMessage());
    }

    // --- on a GPU ---

    @RequiresCuda
    @Test
    void saxpyOnTheGpuEqualsTheCpu() {
        Device gpu = Device.gpu(0);
        CudaKernel saxpy = CudaKernel.compile(gpu, SAXPY, "saxpy");
        assertTrue(saxpy.toString().contains("parameters of [4, 4, 8, 8] bytes"), saxpy.toString());
        int n = 1000; // not a multiple of the block: the last block has idle threads
        INDArray x = Nd4j.rand(DataType.FLOAT, n), y = Nd4j.rand(DataType.FLOAT, n);
        try (GpuArray gx = GpuArray.of(x, gpu); GpuArray gy = GpuArray.of(y, gpu)) {
            saxpy.launch(CudaKernel.blocksFor(n, 256), 256, n, 2.0f, gx, gy);
            INDArray expected = x.mul(2.0f).addi(y);
            INDArray actual = gy.toHost();
            assertEquals(0, expected.sub(actual).amaxNumber().doubleValue(), 1e-6);
            assertEquals(x, gx.toHost(), "x is only read");
        }
    }

    @RequiresCuda
    @Test
    void twoDimensionalGridsAndSharedMemory() {
        Device gpu = Device.gpu(0);
        // Each block adds its 256 elements in shared memory, halving the active threads each step.
        CudaKernel blockSums = CudaKernel.compile(gpu, """
                extern "C" __global__ void block_sums(int n, const float* x, float* sums) {
                    extern __shared__ float partial[];
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    partial[threadIdx.x] = i < n ? x[i] : 0.0f;
                    __syncthreads();
                    for (int step = blockDim.x / 2; step > 0; step /= 2) {
                        if (threadIdx.x < step) partial[threadIdx.x] += partial[threadIdx.x + step];
                        __syncthreads();
                    }
                    if (threadIdx.x == 0) sums[blockIdx.x] = partial[0];
                }
                """, "block_sums");
        CudaKernel transpose = CudaKernel.compile(gpu, """
                extern "C" __global__ void transpose(int rows, int cols, const float* a, float* t) {
                    int c = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
                    if (r < rows && c < cols) t[c * rows + r] = a[r * cols + c];
                }
                """, "transpose");
        int n = 1000, blocks = CudaKernel.blocksFor(n, 256);
        INDArray x = Nd4j.rand(DataType.FLOAT, n), a = Nd4j.rand(DataType.FLOAT, 37, 53);
        try (GpuArray gx = GpuArray.of(x, gpu); GpuArray sums = GpuArray.zeros(gpu, DataType.FLOAT, blocks);
             GpuArray ga = GpuArray.of(a, gpu); GpuArray gt = GpuArray.zeros(gpu, DataType.FLOAT, 53, 37)) {
            blockSums.launch(CudaKernel.Dim3.of(blocks), CudaKernel.Dim3.of(256), 256 * Float.BYTES, n, gx, sums);
            INDArray onGpu = sums.toHost();
            for (int b = 0; b < blocks; b++) {
                double expected = x.get(NDArrayIndex.interval(b * 256, Math.min(n, (b + 1) * 256))).sumNumber().doubleValue();
                assertEquals(expected, onGpu.getDouble(b), 1e-3, "block " + b);
            }
            transpose.launch(CudaKernel.Dim3.of(CudaKernel.blocksFor(53, 16), CudaKernel.blocksFor(37, 16)), CudaKernel.Dim3.of(16, 16), 0, 37, 53, ga, gt);
            assertEquals(a.transpose().dup('c'), gt.toHost());
        }
    }

    @RequiresCuda
    @Test
    void theSameSourceIsCompiledOnce() {
        Device gpu = Device.gpu(0);
        String source = SAXPY.replace("saxpy", "saxpy_once");
        int before = CudaKernel.loadedModules();
        CudaKernel first = CudaKernel.compile(gpu, source, "saxpy_once");
        CudaKernel second = CudaKernel.compile(gpu, source, "saxpy_once");
        assertEquals(before + 1, CudaKernel.loadedModules());
        assertNotSame(first, second);
        CudaKernel.compile(gpu, source, "saxpy_once", "--use_fast_math");
        assertEquals(before + 2, CudaKernel.loadedModules(), "other options, another module");
    }

    @RequiresCuda
    @Test
    void compileErrorsAndMissingKernelsAreExplained() {
        Device gpu = Device.gpu(0);
        var e = assertThrows(NvrtcCompileException.class, () -> CudaKernel.compile(gpu, SAXPY.replace("x[i]", "z[i]"), "saxpy"));
        assertEquals(3, e.diagnostics().get(0).line());
        assertTrue(e.getMessage().contains("saxpy.cu(3): error: identifier \"z\" is undefined"), e.getMessage());
        var cpp = assertThrows(IllegalArgumentException.class, () -> CudaKernel.compile(gpu, SAXPY.replace("extern \"C\" ", ""), "saxpy"));
        assertTrue(cpp.getMessage().contains("extern \"C\""), cpp.getMessage());
    }

    @RequiresCuda
    @Test
    void launchesAreCheckedAndWorkFromAnyThread() throws Exception {
        Device gpu = Device.gpu(0);
        CudaKernel saxpy = CudaKernel.compile(gpu, SAXPY, "saxpy");
        try (GpuArray x = GpuArray.of(Nd4j.ones(DataType.FLOAT, 4), gpu); GpuArray y = GpuArray.zeros(gpu, DataType.FLOAT, 4)) {
            var wrong = assertThrows(IllegalArgumentException.class, () -> saxpy.launch(1, 256, 4, 2.0, x, y));
            assertTrue(wrong.getMessage().contains("pass 2.0f"), wrong.getMessage());
            var tooBig = assertThrows(CudaException.class, () -> saxpy.launch(1, 4096, 4, 2f, x, y));
            assertTrue(tooBig.getMessage().startsWith("cuLaunchKernel(saxpy, grid (1, 1, 1), block (4096, 1, 1)"), tooBig.getMessage());
            assertTrue(tooBig.getMessage().contains("CUDA_ERROR_INVALID_VALUE"), tooBig.getMessage());
            // JShell may run a cell on a thread that has not used CUDA yet.
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    CudaKernel.compile(gpu, SAXPY, "saxpy").launch(1, 256, 4, 3f, x, y); // the module is cached, the thread new
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.start();
            other.join();
            assertNull(failure.get());
            assertEquals(Nd4j.createFromArray(3f, 3f, 3f, 3f), y.toHost());
        }
        CudaKernel nothing = CudaKernel.compile(gpu, "extern \"C\" __global__ void nothing() {}\n", "nothing");
        nothing.launch(1, 1);
        Cuda.synchronize();
    }
}
