package io.github.alexlab.cuda;

import io.github.alexlab.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CudaTest {
    @Test
    void theProbeNeverThrowsAndAlwaysHasAnAnswer() {
        Cuda.Availability first = Cuda.availability();
        assertSame(first, Cuda.availability(), "probed once");
        if (first.available()) {
            assertFalse(first.devices().isEmpty());
            assertTrue(first.driverVersion() >= Cuda.MINIMUM_DRIVER_CUDA_VERSION);
        } else {
            assertTrue(first.devices().isEmpty());
            assertFalse(first.reason().isBlank(), "an absent GPU always comes with a reason");
            assertTrue(first.toString().startsWith("no CUDA device: "), first.toString());
        }
    }

    @Test
    void aMissingLibraryIsNamed() {
        var noDriver = new UnsatisfiedLinkError("no jnicudart in java.library.path");
        noDriver.initCause(new UnsatisfiedLinkError("/tmp/x/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory"));
        assertEquals("no NVIDIA driver on this machine (libcuda.so.1, which the driver installs, was not found)", Cuda.whyNotLoaded(noDriver));

        var noRuntime = new UnsatisfiedLinkError("no jnicudart in java.library.path");
        noRuntime.initCause(new UnsatisfiedLinkError("/tmp/x/libjnicudart.so: libcudart.so.13: cannot open shared object file: No such file or directory"));
        assertTrue(Cuda.whyNotLoaded(noRuntime).startsWith("the CUDA 13 library libcudart.so.13 was not found"), Cuda.whyNotLoaded(noRuntime));

        assertTrue(Cuda.whyNotLoaded(new NoClassDefFoundError("org/bytedeco/cuda/global/cudart")).startsWith("the CUDA bindings could not be loaded"));
        assertEquals("13.0", Cuda.version(13000));
        assertEquals("12.8", Cuda.version(12080));
    }

    @Test
    void withoutAGpuTheCpuIsTheDeviceAndAskingForAGpuSaysWhy() {
        assertEquals("cpu", Device.cpu().toString());
        assertFalse(Device.cpu().isGpu());
        assertTrue(Device.cpu().info().isEmpty());
        var facts = Device.facts();
        assertTrue(facts.containsKey("CPU") && facts.containsKey("CPU cores (this JVM)"), facts.toString());
        if (Cuda.available())
            return;
        assertEquals(Device.cpu(), Device.best());
        var e = assertThrows(IllegalStateException.class, () -> Device.gpu(0));
        assertTrue(e.getMessage().contains(Cuda.availability().reason()), e.getMessage());
        assertTrue(facts.get("GPU").startsWith("none: "), facts.toString());
    }

    @RequiresCuda
    @Test
    void eachGpuIsDescribed() {
        Device gpu = Device.gpu(0);
        assertEquals(gpu, Device.best());
        Cuda.DeviceInfo info = gpu.info().orElseThrow();
        assertFalse(info.name().isBlank());
        assertTrue(info.major() * 10 + info.minor() >= 75, "Turing (sm_75) or newer: " + info);
        assertTrue(info.multiprocessors() > 0 && info.totalMemory() > 0 && info.clockMhz() > 0, info.toString());
        assertEquals("sm_" + info.major() + info.minor(), info.architecture());
        assertTrue(Device.facts().containsKey("GPU 0 compute capability"));
    }
}
