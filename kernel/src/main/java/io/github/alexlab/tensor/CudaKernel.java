package io.github.alexlab.tensor;

import io.github.alexlab.cuda.CudaException;
import io.github.alexlab.cuda.Nvrtc;
import io.github.alexlab.cuda.NvrtcDiagnostic;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CUDA kernel of your own: a {@code __global__} function, compiled at run time for one GPU and
 * launched on {@link GpuArray}s.
 * <pre>
 * CudaKernel saxpy = CudaKernel.compile(device, """
 *     extern "C" __global__ void saxpy(int n, float a, const float* x, float* y) {
 *         int i = blockIdx.x * blockDim.x + threadIdx.x;   // this thread's element
 *         if (i &lt; n) y[i] = a * x[i] + y[i];
 *     }
 *     """, "saxpy");
 * saxpy.launch(CudaKernel.blocksFor(n, 256), 256, n, 2.0f, x, y);   // x, y: GpuArrays of n floats
 * </pre>
 * Write {@code extern "C"}: without it C++ renames the function (saxpy becomes _Z5saxpyifPKfPf) and
 * it cannot be found by its name. Arguments go in order and must have the C parameters' sizes: a
 * GpuArray for a pointer, an int for int, a float for float (2.0f, not 2.0), a long for long long or
 * size_t. A launch returns at once while the GPU works on: a fault inside the kernel, such as reading
 * past an array, shows at the next call that waits for the GPU ({@code toHost()}, {@code Cuda.synchronize()}).
 */
public final class CudaKernel {
    /** A grid or block size in up to three dimensions, like CUDA's {@code dim3}. */
    public record Dim3(int x, int y, int z) {
        public Dim3 {
            if (x < 1 || y < 1 || z < 1)
                throw new IllegalArgumentException("grid and block sizes are at least 1 in each dimension, got (" + x + ", " + y + ", " + z + ")");
        }

        public static Dim3 of(int x) {
            return new Dim3(x, 1, 1);
        }

        public static Dim3 of(int x, int y) {
            return new Dim3(x, y, 1);
        }

        @Override
        public String toString() {
            return "(" + x + ", " + y + ", " + z + ")";
        }
    }

    private record ModuleKey(int device, String source, List<String> options) {}

    private record Module(CUmod_st handle, Nvrtc.Cubin cubin) {}

    // Compiling takes a while; the same source for the same GPU is compiled and loaded once.
    private static final Map<ModuleKey, Module> MODULES = new HashMap<>();
    private static final int SLOT_BYTES = 8; // each argument's value gets 8 bytes: room for the largest (long, double, pointer)

    private final Device device;
    private final String name;
    private final CUfunc_st function;
    private final Nvrtc.Cubin cubin;
    private final long[] parameterBytes; // the size of each C parameter; null when the driver cannot tell

    private CudaKernel(Device device, String name, CUfunc_st function, Nvrtc.Cubin cubin, long[] parameterBytes) {
        this.device = device;
        this.name = name;
        this.function = function;
        this.cubin = cubin;
        this.parameterBytes = parameterBytes;
    }

    /**
     * Compiles {@code source} with NVRTC for {@code device}'s architecture and finds the kernel
     * {@code functionName} in it. {@code options} go to NVRTC (e.g. "--use_fast_math").
     *
     * @throws io.github.alexlab.cuda.NvrtcCompileException when the source does not compile (it carries NVRTC's errors)
     * @throws IllegalArgumentException when there is no kernel of that name (the message says what there is)
     */
    public static CudaKernel compile(Device device, String source, String functionName, String... options) {
        if (!device.isGpu())
            throw new IllegalArgumentException("a CUDA kernel runs on a GPU, not on " + device + " (Device.best() is the GPU when there is one)");
        Module module = module(device, source, functionName, options);
        GpuArray.select(device); // the driver's calls below work in the calling thread's context: this GPU's
        CUfunc_st function = new CUfunc_st();
        int result = cudart.cuModuleGetFunction(function, module.handle(), functionName);
        if (result == cudart.CUDA_ERROR_NOT_FOUND)
            throw new IllegalArgumentException(notFound(functionName, module.cubin().kernelNames()));
        CudaException.checkDriver(result, "cuModuleGetFunction(" + functionName + ")");
        return new CudaKernel(device, functionName, function, module.cubin(), parameterBytes(function));
    }

    private static synchronized Module module(Device device, String source, String functionName, String[] options) {
        ModuleKey key = new ModuleKey(device.index(), source, List.of(options));
        Module module = MODULES.get(key);
        if (module != null)
            return module;
        String architecture = device.info().orElseThrow().architecture();
        Nvrtc.Cubin cubin = Nvrtc.compile(functionName + ".cu", source, architecture, options);
        // The module goes into the calling thread's current context: make it the CUDA runtime's
        // context for this GPU, the one GpuArray, cuBLAS and cuDNN work in.
        GpuArray.select(device);
        CudaException.check(cudart.cudaFree(null), "cudaFree(NULL) (starts CUDA on " + device + ")");
        CUmod_st handle = new CUmod_st();
        try (BytePointer image = new BytePointer(cubin.code())) {
            CudaException.checkDriver(cudart.cuModuleLoadData(handle, image),
                    "cuModuleLoadData(" + cubin.programName() + " for " + architecture + " on " + device + ")");
        }
        module = new Module(handle, cubin);
        MODULES.put(key, module);
        return module;
    }

    /** How many compiled modules are loaded (for tests: a second compile of the same source adds none). */
    static synchronized int loadedModules() {
        return MODULES.size();
    }

    /** Asks the driver for each parameter's size; null if it cannot say (then arguments are not checked). */
    private static long[] parameterBytes(CUfunc_st function) {
        List<Long> sizes = new ArrayList<>();
        try (SizeTPointer offset = new SizeTPointer(1); SizeTPointer size = new SizeTPointer(1)) {
            int result;
            while ((result = cudart.cuFuncGetParamInfo(function, sizes.size(), offset, size)) == cudart.CUDA_SUCCESS)
                sizes.add(size.get());
            // Past the last parameter the answer is CUDA_ERROR_INVALID_VALUE; anything else leaves us unsure.
            return result == cudart.CUDA_ERROR_INVALID_VALUE ? sizes.stream().mapToLong(Long::longValue).toArray() : null;
        }
    }

    /** What to tell a student whose kernel was not found: its C++ name if it has one, else the kernels there are. */
    static String notFound(String functionName, List<String> kernelNames) {
        String mangledStart = "_Z" + functionName.length() + functionName; // how C++ encodes the name "saxpy"
        for (String kernel : kernelNames)
            if (kernel.startsWith(mangledStart))
                return "the kernel " + functionName + " was compiled as C++, which renamed it " + kernel
                        + ": declare it extern \"C\" __global__ void " + functionName + "(...) so that it keeps its name";
        return "there is no kernel named " + functionName + "; the source has "
                + (kernelNames.isEmpty() ? "no kernel (a kernel is a __global__ function)" : String.join(", ", kernelNames))
                + ". Declare kernels extern \"C\" __global__ so that they keep their names";
    }

    /** The number of blocks that gives each of {@code n} elements a thread (at least 1: a launch needs one). */
    public static int blocksFor(long n, int threadsPerBlock) {
        if (n < 0 || threadsPerBlock < 1)
            throw new IllegalArgumentException("blocksFor(" + n + ", " + threadsPerBlock + "): n is at least 0, threadsPerBlock at least 1");
        return Math.toIntExact(Math.max(1, (n + threadsPerBlock - 1) / threadsPerBlock));
    }

    /** Launches {@code blocks} blocks of {@code threadsPerBlock} threads: a 1-D grid, no shared memory. */
    public void launch(int blocks, int threadsPerBlock, Object... args) {
        launch(Dim3.of(blocks), Dim3.of(threadsPerBlock), 0, args);
    }

    /** Launches a grid of {@code grid} blocks of {@code block} threads, each block with {@code sharedMemoryBytes} of dynamic shared memory. */
    public void launch(Dim3 grid, Dim3 block, int sharedMemoryBytes, Object... args) {
        if (sharedMemoryBytes < 0)
            throw new IllegalArgumentException("sharedMemoryBytes is at least 0, got " + sharedMemoryBytes);
        byte[] values = argumentValues(name, device, parameterBytes, args);
        String call = "cuLaunchKernel(" + name + ", grid " + grid + ", block " + block + ", " + sharedMemoryBytes + " bytes of shared memory)";
        GpuArray.select(device); // the launch goes to the calling thread's current context: this GPU's
        // kernelParams is an array of addresses: where the value of each argument is.
        try (BytePointer slots = new BytePointer(Math.max(SLOT_BYTES, values.length)).put(values);
             LongPointer addresses = new LongPointer(Math.max(1, args.length))) {
            for (int i = 0; i < args.length; i++)
                addresses.put(i, slots.address() + (long) SLOT_BYTES * i);
            PointerPointer<?> kernelParams = args.length == 0 ? null : new PointerPointer<>(addresses);
            CudaException.checkDriver(cudart.cuLaunchKernel(function, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                    sharedMemoryBytes, (CUstream_st) null /* the default stream, as cuBLAS and cuDNN here */, kernelParams, null), call);
        }
    }

    /**
     * The arguments' values as the driver reads them: {@link #SLOT_BYTES} bytes each, in this machine's
     * byte order, a GpuArray as its device address. Checks the count and sizes against the kernel's
     * parameters when they are known ({@code parameterBytes} not null).
     */
    static byte[] argumentValues(String kernel, Device device, long[] parameterBytes, Object... args) {
        if (parameterBytes != null && parameterBytes.length != args.length)
            throw new IllegalArgumentException(kernel + " takes " + parameterBytes.length + " argument(s), got " + args.length);
        ByteBuffer values = ByteBuffer.allocate(SLOT_BYTES * args.length).order(ByteOrder.nativeOrder());
        for (int i = 0; i < args.length; i++) {
            int at = SLOT_BYTES * i, bytes;
            Object arg = args[i];
            if (arg instanceof GpuArray array) {
                if (array.isClosed() || !array.device().equals(device))
                    throw new IllegalArgumentException("args[" + i + "] is " + array + "; " + kernel + " runs on " + device + " and needs an open GpuArray there");
                values.putLong(at, array.pointer().address());
                bytes = Long.BYTES;
            } else if (arg instanceof Integer v) {
                values.putInt(at, v);
                bytes = Integer.BYTES;
            } else if (arg instanceof Long v) {
                values.putLong(at, v);
                bytes = Long.BYTES;
            } else if (arg instanceof Float v) {
                values.putFloat(at, v);
                bytes = Float.BYTES;
            } else if (arg instanceof Double v) {
                values.putDouble(at, v);
                bytes = Double.BYTES;
            } else if (arg instanceof Short v) {
                values.putShort(at, v);
                bytes = Short.BYTES;
            } else if (arg instanceof Byte v) {
                values.put(at, v);
                bytes = Byte.BYTES;
            } else {
                throw new IllegalArgumentException("args[" + i + "] is " + (arg == null ? "null" : "a " + arg.getClass().getSimpleName())
                        + "; a kernel argument is a GpuArray (for a pointer) or an int, long, float, double, short or byte");
            }
            if (parameterBytes != null && parameterBytes[i] != bytes)
                throw new IllegalArgumentException("args[" + i + "] is a " + (arg instanceof GpuArray ? "GpuArray (a pointer)" : arg.getClass().getSimpleName())
                        + " of " + bytes + " byte(s), but parameter " + i + " of " + kernel + " has " + parameterBytes[i]
                        + " (float: pass 2.0f, not 2.0; long long or size_t: pass a long, 10L)");
        }
        return values.array();
    }

    public Device device() {
        return device;
    }

    /** The kernel's name, as in the source. */
    public String name() {
        return name;
    }

    /** What NVRTC warned about when it compiled the source (nothing, usually). */
    public List<NvrtcDiagnostic> warnings() {
        return cubin.warnings();
    }

    @Override
    public String toString() {
        return "CudaKernel " + name + " on " + device + " (" + cubin.architecture()
                + (parameterBytes == null ? "" : ", parameters of " + Arrays.toString(parameterBytes) + " bytes") + ")";
    }
}
