package io.github.alexlab.nn;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuEngineTest {
    @Test
    void runsOnTheBuildItChose() {
        boolean expected = CpuEngine.oneDnnWanted() && CpuEngine.oneDnnRunsHere();
        assertEquals(expected, CpuEngine.oneDnn(),
                "oneDNN wanted: " + CpuEngine.oneDnnWanted() + ", runs here: " + CpuEngine.oneDnnRunsHere()
                        + "; loaded: " + CpuEngine.describe());
    }

    @Test
    void loadsTheFastestBuildThatRunsHere() {
        Nd4j.create(DataType.FLOAT, 1);  // ND4J loads its native library
        // The checkout has all three builds: oneDNN where it is wanted and the CPU has AVX2, else AVX2 (this test
        // runs with and without -Dalexlab.onednn=false), else the portable one.
        assertEquals(CpuEngine.bestBuild(), CpuEngine.loadedBuild(),
                "chose " + CpuEngine.bestBuild() + " (" + CpuEngine.EXTENSION_PROPERTY + "=" + System.getProperty(CpuEngine.EXTENSION_PROPERTY)
                        + "), loaded " + Loader.getLoadedLibraries());
        assertTrue(CpuEngine.describe().startsWith("ND4J"), CpuEngine.describe());
    }

    @Test
    void releaseUnreachableGivesAnArraysMemoryBack() throws InterruptedException {
        long mib = 1024 * 1024;
        // Let the collector shrink the heap first: a heap given back to the OS while the array is being
        // filled would hide the array's growth (it did once in a full suite run: 279 -> 407 MiB).
        System.gc();
        Thread.sleep(200);
        long before = NativeMemory.residentBytes();
        INDArray big = Nd4j.create(DataType.FLOAT, 64, 1024, 1024).assign(1); // 256 MiB, every page touched
        long holding = NativeMemory.residentBytes();
        assertTrue(holding - before > 200 * mib, "256 MiB array not resident: " + before / mib + " -> " + holding / mib + " MiB");
        big = null;
        long after = holding;
        for (int tries = 0; tries < 50 && holding - after < 200 * mib; tries++) { // JavaCPP frees on its own thread
            NativeMemory.releaseUnreachable();
            Thread.sleep(100);
            after = NativeMemory.residentBytes();
        }
        assertTrue(holding - after > 200 * mib, "not given back: " + holding / mib + " -> " + after / mib + " MiB");
    }
}
