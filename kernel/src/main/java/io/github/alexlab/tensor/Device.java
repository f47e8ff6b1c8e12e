package io.github.alexlab.tensor;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.cuda.CudaException;
import org.bytedeco.cuda.global.cudart;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import com.sun.management.OperatingSystemMXBean;

/**
 * Where numbers live and work is done: the CPU (ND4J arrays in host memory) or one NVIDIA GPU.
 * {@link #best()} is the first GPU when this machine has a usable one, else the CPU; asking for a GPU
 * that is not there is an error that says why it is not there.
 */
public final class Device {
    private static final Device CPU = new Device(-1);

    private final int index; // -1: the CPU

    private Device(int index) {
        this.index = index;
    }

    public static Device cpu() {
        return CPU;
    }

    /** GPU number {@code index}; throws with the reason when there is no such CUDA device. */
    public static Device gpu(int index) {
        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available())
            throw new IllegalStateException("Device.gpu(" + index + "): " + cuda + ". Use Device.cpu() or Device.best().");
        if (index < 0 || index >= cuda.devices().size())
            throw new IllegalArgumentException("Device.gpu(" + index + "): this machine has " + cuda.devices().size()
                    + " CUDA device(s), numbered from 0");
        return new Device(index);
    }

    /** The first GPU if there is a usable one, else the CPU. */
    public static Device best() {
        return Cuda.available() ? gpu(0) : cpu();
    }

    public boolean isGpu() {
        return index >= 0;
    }

    /** The GPU's number (0, 1, ...); -1 for the CPU. */
    public int index() {
        return index;
    }

    /**
     * Waits until this GPU has finished everything queued on it (a GPU call returns once its work is
     * queued); on the CPU, where every call has finished when it returns, does nothing.
     */
    public void synchronize() {
        if (isGpu()) {
            GpuArray.select(this);
            CudaException.check(cudart.cudaDeviceSynchronize(),
                    "cudaDeviceSynchronize on " + this);
        }
    }

    /** The GPU's facts (name, compute capability, memory, ...); empty for the CPU. */
    public Optional<Cuda.DeviceInfo> info() {
        return isGpu() ? Optional.of(Cuda.availability().devices().get(index)) : Optional.empty();
    }

    /**
     * What this machine offers, in order: the CPU (model, cores, memory), then each GPU or the reason
     * there is none. The kernel's {@code %device} shows this as a table.
     */
    public static Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("CPU", cpuModel());
        facts.put("CPU cores (this JVM)", String.valueOf(Runtime.getRuntime().availableProcessors()));
        long memory = physicalMemory();
        if (memory > 0)
            facts.put("host memory", String.format(Locale.ROOT, "%.1f GiB", memory / (double) (1L << 30)));
        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available()) {
            facts.put("GPU", "none: " + cuda.reason());
            return facts;
        }
        facts.put("CUDA driver / runtime", "CUDA " + Cuda.version(cuda.driverVersion()) + " / " + Cuda.version(cuda.runtimeVersion()));
        for (Cuda.DeviceInfo gpu : cuda.devices()) {
            String key = "GPU " + gpu.index();
            facts.put(key, gpu.name());
            facts.put(key + " compute capability", gpu.major() + "." + gpu.minor() + " (" + gpu.architecture() + ")");
            facts.put(key + " multiprocessors", String.valueOf(gpu.multiprocessors()));
            facts.put(key + " memory", String.format(Locale.ROOT, "%.1f GiB, %d-bit bus at %d MHz", gpu.totalMemory() / (double) (1L << 30),
                    gpu.memoryBusWidth(), gpu.memoryClockMhz()));
            facts.put(key + " clock", gpu.clockMhz() + " MHz");
        }
        return facts;
    }

    /** The CPU's model name, as Linux reports it (else the architecture). */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name"))
                    return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall back to what Java knows
        }
        return System.getProperty("os.arch");
    }

    private static long physicalMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.index == index;
    }

    @Override
    public int hashCode() {
        return index;
    }

    /** "cpu" or "gpu:0". */
    @Override
    public String toString() {
        return isGpu() ? "gpu:" + index : "cpu";
    }
}
