package io.github.alexlab.nn;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of ND4J's native CPU builds runs the blocks.
 * <p>
 * ND4J ships its native library in several builds: a portable one for any x86-64 CPU, one compiled
 * for AVX2, and one with oneDNN (Intel's deep-learning library, formerly MKL-DNN) on top of AVX2.
 * oneDNN has hand-tuned convolution kernels: AlexNet's conv2 forward + backward at batch 32 takes
 * about half the time of im2col + matrix multiply on two cores. {@link #choose()} asks for the
 * fastest build whose jar is on the class path and that this CPU can run (AVX2 and FMA for both
 * the AVX2 and the oneDNN build); without oneDNN, {@link Conv2d} uses its own im2col path.
 * {@code -Dalexlab.onednn=false} keeps a build without oneDNN (the tests run both). The checkout
 * has all three builds; the bundle only the AVX2 one (the smallest). ND4J also publishes oneDNN
 * builds for AVX-512; on a CPU with AVX-512, side by side, one was no faster than the AVX2 one for a
 * LeNet-5 epoch or an AlexNet step (oneDNN's kernels pick the CPU's widest vectors at run time in
 * either), so it is not among the dependencies.
 */
public final class CpuEngine {
    /** JavaCPP's switch between native builds: read once, when ND4J first loads. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String ONEDNN_EXTENSION = "-onednn-avx2";
    static final String AVX2_EXTENSION = "-avx2";
    /** The portable build: no extension. */
    static final String PORTABLE = "";
    /** A build's extension in the path of its native library, as JavaCPP unpacks it. */
    private static final Pattern BUILD_IN_PATH = Pattern.compile("linux-x86_64([\\w-]*)/libnd4jcpu\\.so");

    private static volatile Boolean oneDnn;

    private CpuEngine() {}

    /** The switch that keeps ND4J's plain build: {@code -Dalexlab.onednn=false}. */
    public static final String ONEDNN_PROPERTY = "alexlab.onednn";

    /**
     * Asks for the fastest build that can run here ({@link #bestBuild()}). Call before the first use
     * of ND4J (later it has no effect); a choice already made with
     * {@code -Dorg.bytedeco.javacpp.platform.extension} stays.
     */
    public static void choose() {
        if (System.getProperty(EXTENSION_PROPERTY) != null)
            return;
        String build = bestBuild();
        if (!build.equals(PORTABLE))
            System.setProperty(EXTENSION_PROPERTY, build);
    }

    /** oneDNN if wanted and it runs here, else AVX2 if it runs here, else the portable build (as extensions). */
    static String bestBuild() {
        if (oneDnnWanted() && oneDnnRunsHere())
            return ONEDNN_EXTENSION;
        return runsHere(AVX2_EXTENSION) ? AVX2_EXTENSION : PORTABLE;
    }

    static boolean oneDnnWanted() {
        return !"false".equalsIgnoreCase(System.getProperty(ONEDNN_PROPERTY, "true"));
    }

    /** The CPU has what the oneDNN build needs, and the build's jar is on the class path. */
    static boolean oneDnnRunsHere() {
        return runsHere(ONEDNN_EXTENSION);
    }

    /** The CPU has AVX2 and FMA (what both non-portable builds need), and the build's jar is on the class path. */
    static boolean runsHere(String extension) {
        return cpuHas("avx2", "fma") && CpuEngine.class.getClassLoader().getResource(library(extension)) != null;
    }

    /** Where a build's native library lies on the class path. */
    static String library(String extension) {
        return "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + extension + "/libnd4jcpu.so";
    }

    /** True when the loaded ND4J build has oneDNN's kernels (loads ND4J if it is not loaded yet). */
    public static boolean oneDnn() {
        Boolean known = oneDnn;
        if (known == null)
            oneDnn = known = Nd4j.getBackend().buildInfo().contains("HAVE_ONEDNN");
        return known;
    }

    /**
     * What runs the blocks, in words, naming the native build that was loaded: "ND4J's onednn-avx2 build:
     * oneDNN for convolutions and pooling, OpenBLAS for matrix products" or "ND4J's avx2 build: ...".
     */
    public static String describe() {
        boolean withOneDnn = oneDnn(); // loads ND4J, so that its library's path is known
        String build = loadedBuild();
        String name = build == null ? "native" : build.isEmpty() ? "portable" : build.substring(1);
        return "ND4J's " + name + " build: " + (withOneDnn
                ? "oneDNN for convolutions and pooling (its kernels use the widest vectors the CPU has), OpenBLAS for matrix products"
                : "OpenBLAS for matrix products, convolutions as im2col + matrix multiply");
    }

    /**
     * The extension of the build whose native library JavaCPP loaded ("-avx2", "" for the portable
     * one), read from the library's path; null before ND4J is loaded or when the path says nothing.
     */
    static String loadedBuild() {
        for (String path : Loader.getLoadedLibraries().values()) {
            Matcher m = BUILD_IN_PATH.matcher(path == null ? "" : path);
            if (m.find())
                return m.group(1);
        }
        return null;
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
