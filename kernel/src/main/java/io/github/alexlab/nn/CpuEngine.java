package io.github.alexlab.nn;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which of ND4J's native CPU builds runs the blocks.
 * <p>
 * ND4J ships its native library in several builds. The oneDNN build (Intel's deep-learning
 * library, formerly MKL-DNN) has hand-tuned convolution kernels: AlexNet's conv2 forward +
 * backward at batch 32 takes about half the time of im2col + matrix multiply on two cores. It
 * needs AVX2, so {@link #choose()} asks for it only on a CPU that has AVX2 and FMA and when
 * its jar is on the class path; otherwise ND4J picks its plain build and {@link Conv2d} uses its
 * own im2col path. {@code -Dalexlab.onednn=false} keeps the plain build (the tests run both).
 */
public final class CpuEngine {
    /** JavaCPP's switch between native builds: read once, when ND4J first loads. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String ONEDNN_EXTENSION = "-onednn-avx2";
    private static final String ONEDNN_LIBRARY =
            "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + ONEDNN_EXTENSION + "/libnd4jcpu.so";

    private static volatile Boolean oneDnn;

    private CpuEngine() {}

    /** The switch that keeps ND4J's plain build: {@code -Dalexlab.onednn=false}. */
    public static final String ONEDNN_PROPERTY = "alexlab.onednn";

    /**
     * Asks for the oneDNN build where it can run. Call before the first use of ND4J (later it has
     * no effect); a choice already made with {@code -Dorg.bytedeco.javacpp.platform.extension} stays.
     */
    public static void choose() {
        if (System.getProperty(EXTENSION_PROPERTY) != null || !oneDnnWanted())
            return;
        if (oneDnnRunsHere())
            System.setProperty(EXTENSION_PROPERTY, ONEDNN_EXTENSION);
    }

    static boolean oneDnnWanted() {
        return !"false".equalsIgnoreCase(System.getProperty(ONEDNN_PROPERTY, "true"));
    }

    /** The CPU has what the oneDNN build needs, and the build's jar is on the class path. */
    static boolean oneDnnRunsHere() {
        return cpuHas("avx2", "fma") && CpuEngine.class.getClassLoader().getResource(ONEDNN_LIBRARY) != null;
    }

    /** True when the loaded ND4J build has oneDNN's kernels (loads ND4J if it is not loaded yet). */
    public static boolean oneDnn() {
        Boolean known = oneDnn;
        if (known == null)
            oneDnn = known = Nd4j.getBackend().buildInfo().contains("HAVE_ONEDNN");
        return known;
    }

    /**
     * Runs an ND4J op with its plain loops even in the oneDNN build (where oneDNN is slower, e.g.
     * pooling). The switch is process-wide: an op on another thread meanwhile also runs plain.
     */
    public static void withoutOneDnn(Runnable op) {
        Environment environment = Nd4j.getEnvironment();
        boolean allowed = environment.helpersAllowed();
        environment.allowHelpers(false);
        try {
            op.run();
        } finally {
            environment.allowHelpers(allowed);
        }
    }

    /** What runs the blocks, in words: "ND4J with oneDNN" or "ND4J with OpenBLAS". */
    public static String describe() {
        return oneDnn() ? "ND4J with oneDNN (convolutions) and OpenBLAS" : "ND4J with OpenBLAS (convolutions as im2col + matrix multiply)";
    }

    private static boolean cpuHas(String... flags) {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            int start = info.indexOf("\nflags");
            if (start < 0)
                return false;
            String line = " " + info.substring(info.indexOf(':', start) + 1, info.indexOf('\n', start + 1)) + " ";
            for (String flag : flags)
                if (!line.contains(" " + flag + " "))
                    return false;
            return true;
        } catch (IOException | RuntimeException notLinux) {
            return false;
        }
    }
}
