package io.github.alexlab.cuda;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether this machine can run CUDA, and if not, why. The first call probes once and never throws:
 * a machine without an NVIDIA driver, without CUDA 13 libraries, or with an old driver gets a
 * {@link Availability} whose {@code reason} says which, and everything runs on the CPU.
 * <p>
 * The probe loads NVIDIA's runtime through JavaCPP. Without a driver that load fails with an
 * {@link UnsatisfiedLinkError} naming the missing library (libcuda.so.1 comes with the driver,
 * libcudart.so.13 with CUDA 13), and every later touch of the bindings with a
 * {@link NoClassDefFoundError}; so the answer is kept.
 */
public final class Cuda {
    /** CUDA 13 needs an R580 driver or newer: cudaDriverGetVersion reports 13000 or more. */
    public static final int MINIMUM_DRIVER_CUDA_VERSION = 13000;

    /** The answer of the probe; {@code devices} is empty when {@code available} is false. */
    public record Availability(boolean available, String reason, int driverVersion, int runtimeVersion, List<DeviceInfo> devices) {
        @Override
        public String toString() {
            return available ? devices.size() + " CUDA device(s), driver CUDA " + version(driverVersion) + ", runtime " + version(runtimeVersion)
                    : "no CUDA device: " + reason;
        }
    }

    /** Facts about one GPU. Clocks in MHz, memory in bytes. */
    public record DeviceInfo(int index, String name, int major, int minor, int multiprocessors, long totalMemory,
                             int clockMhz, int memoryClockMhz, int memoryBusWidth) {
        /** "sm_90" for compute capability 9.0: the architecture our kernels are compiled for. */
        public String architecture() {
            return "sm_" + major + minor;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "GPU %d: %s, compute capability %d.%d (%s), %d SMs, %.1f GiB, %d MHz", index, name,
                    major, minor, architecture(), multiprocessors, totalMemory / (double) (1L << 30), clockMhz);
        }
    }

    private static Availability answer;

    private Cuda() {
    }

    /** Probes once (loads the CUDA runtime if it is there) and returns the same answer afterwards. */
    public static synchronized Availability availability() {
        if (answer == null)
            answer = probe();
        return answer;
    }

    /**
     * Waits until the current GPU has finished all work queued so far (nothing to wait for without a GPU).
     * GPU calls return before the GPU is done, so a timing must end here, or it times only the launch.
     */
    public static void synchronize() {
        if (available())
            CudaException.check(cudart.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    /** True when at least one CUDA device can be used. */
    public static boolean available() {
        return availability().available();
    }

    private static Availability probe() {
        if (Boolean.getBoolean("alexlab.nogpu"))
            return new Availability(false, "switched off with -Dalexlab.nogpu=true", 0, 0, List.of());
        int[] driver = new int[1], runtime = new int[1], count = new int[1];
        try {
            cudart.cudaDriverGetVersion(driver);
        } catch (LinkageError e) {
            return new Availability(false, whyNotLoaded(e), 0, 0, List.of());
        }
        if (driver[0] == 0)
            return new Availability(false, "no NVIDIA driver is running on this machine", 0, 0, List.of());
        if (driver[0] < MINIMUM_DRIVER_CUDA_VERSION)
            return new Availability(false, "the NVIDIA driver supports CUDA " + version(driver[0])
                    + " only; CUDA 13 needs driver 580 or newer", driver[0], 0, List.of());
        cudart.cudaRuntimeGetVersion(runtime);
        int status = cudart.cudaGetDeviceCount(count);
        if (status != cudart.cudaSuccess)
            return new Availability(false, "cudaGetDeviceCount: " + CudaException.describe(status), driver[0], runtime[0], List.of());
        if (count[0] == 0)
            return new Availability(false, "the driver is there but sees no CUDA device", driver[0], runtime[0], List.of());
        List<DeviceInfo> devices = new ArrayList<>();
        for (int i = 0; i < count[0]; i++)
            devices.add(describe(i));
        return new Availability(true, "", driver[0], runtime[0], List.copyOf(devices));
    }

    private static DeviceInfo describe(int device) {
        try (cudaDeviceProp p = new cudaDeviceProp()) {
            CudaException.check(cudart.cudaGetDeviceProperties(p, device), "cudaGetDeviceProperties(device " + device + ")");
            // Clocks are attributes since CUDA 13 removed them from cudaDeviceProp.
            return new DeviceInfo(device, p.name().getString().trim(), p.major(), p.minor(), p.multiProcessorCount(), p.totalGlobalMem(),
                    attribute(cudart.cudaDevAttrClockRate, device) / 1000, attribute(cudart.cudaDevAttrMemoryClockRate, device) / 1000,
                    attribute(cudart.cudaDevAttrGlobalMemoryBusWidth, device));
        }
    }

    private static int attribute(int attribute, int device) {
        int[] value = new int[1];
        CudaException.check(cudart.cudaDeviceGetAttribute(value, attribute, device), "cudaDeviceGetAttribute(" + attribute + ", device " + device + ")");
        return value[0];
    }

    /** Reads the missing library out of the loader's error: the driver's libcuda, or CUDA 13's own libraries. */
    static String whyNotLoaded(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause())
            messages.append(t.getMessage()).append('\n');
        String all = messages.toString();
        if (all.contains("libcuda.so"))
            return "no NVIDIA driver on this machine (libcuda.so.1, which the driver installs, was not found)";
        Matcher m = Pattern.compile("(lib[A-Za-z0-9_]+\\.so[.0-9]*): cannot open shared object file").matcher(all);
        if (m.find())
            return "the CUDA 13 library " + m.group(1) + " was not found (./install.sh setup looks for CUDA 13 libraries and "
                    + "puts their folder in the kernel's LD_LIBRARY_PATH)";
        return "the CUDA bindings could not be loaded: " + e;
    }

    /** 13000 -> "13.0". */
    public static String version(int cudaVersion) {
        return cudaVersion / 1000 + "." + cudaVersion % 1000 / 10;
    }
}
