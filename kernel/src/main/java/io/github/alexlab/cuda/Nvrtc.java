package io.github.alexlab.cuda;

import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVRTC, CUDA's compiler as a library: CUDA C++ source in, machine code for one GPU architecture out.
 * We ask for a cubin (machine code for exactly the GPU at hand, e.g. sm_90) rather than PTX, so the
 * driver has nothing left to compile and no PTX version can be too new for it. NVRTC needs no GPU:
 * only its library (libnvrtc.so.13).
 */
public final class Nvrtc {
    /** Compiled code: a cubin (an ELF file, like a Linux program, of GPU machine code) and NVRTC's log. */
    public record Cubin(String programName, String architecture, byte[] code, String log) {
        /** The warnings in the log (a program that compiled has no errors). */
        public List<NvrtcDiagnostic> warnings() {
            return NvrtcDiagnostic.parse(log);
        }

        /**
         * The names of the kernels inside, as the driver looks them up: each kernel's code is an ELF
         * section named ".text." + its name. A kernel declared without {@code extern "C"} has a C++
         * (mangled) name such as {@code _Z5saxpyifPKfPf}.
         */
        public List<String> kernelNames() {
            Matcher m = TEXT_SECTION.matcher(new String(code, StandardCharsets.ISO_8859_1));
            Set<String> names = new LinkedHashSet<>();
            while (m.find())
                names.add(m.group(1));
            return List.copyOf(names);
        }
    }

    private static final Pattern TEXT_SECTION = Pattern.compile("\\.text\\.([A-Za-z_$][\\w$]*)");
    private static String unavailable; // why NVRTC cannot be loaded, once known ("" when it can)

    private Nvrtc() {
    }

    /**
     * Compiles {@code source} for {@code architecture} ("sm_90": {@link Cuda.DeviceInfo#architecture()})
     * as C++17, with the caller's further NVRTC {@code options} (e.g. "--use_fast_math").
     * {@code programName} (e.g. "saxpy.cu") is the file name NVRTC's messages use.
     *
     * @throws NvrtcCompileException when the source or an option has an error; it carries NVRTC's log
     * @throws IllegalStateException when NVRTC cannot be loaded, with the reason
     */
    public static Cubin compile(String programName, String source, String architecture, String... options) {
        requireLoaded();
        List<String> flags = new ArrayList<>(List.of("--gpu-architecture=" + architecture, "--std=c++17"));
        flags.addAll(List.of(options));
        _nvrtcProgram program = new _nvrtcProgram();
        // NVRTC reads the source and name while it compiles: they stay allocated until it is done.
        try (BytePointer text = new BytePointer(source, StandardCharsets.UTF_8);
             BytePointer name = new BytePointer(programName, StandardCharsets.UTF_8);
             PointerPointer<BytePointer> flagArray = new PointerPointer<>(flags.toArray(String[]::new), StandardCharsets.UTF_8)) {
            check(nvrtc.nvrtcCreateProgram(program, text, name, 0, (PointerPointer<?>) null, (PointerPointer<?>) null),
                    "nvrtcCreateProgram(" + programName + ")");
            try {
                int status = nvrtc.nvrtcCompileProgram(program, flags.size(), flagArray);
                String log = log(program, programName);
                // A mistake in the source or in an option: the log says which.
                if (status == nvrtc.NVRTC_ERROR_COMPILATION || status == nvrtc.NVRTC_ERROR_INVALID_OPTION)
                    throw new NvrtcCompileException(programName, log);
                check(status, "nvrtcCompileProgram(" + programName + ", " + String.join(" ", flags) + ")");
                return new Cubin(programName, architecture, cubin(program, programName), log);
            } finally {
                check(nvrtc.nvrtcDestroyProgram(program), "nvrtcDestroyProgram(" + programName + ")");
            }
        }
    }

    /** NVRTC's version, e.g. "13.0". */
    public static String version() {
        requireLoaded();
        int[] major = new int[1], minor = new int[1];
        check(nvrtc.nvrtcVersion(major, minor), "nvrtcVersion");
        return major[0] + "." + minor[0];
    }

    /** Why NVRTC cannot be used here, or empty when it can. Probes once and never throws. */
    public static synchronized String unavailableReason() {
        if (unavailable == null) {
            try {
                nvrtc.nvrtcGetErrorString(nvrtc.NVRTC_SUCCESS); // the first touch loads the library
                unavailable = "";
            } catch (LinkageError e) { // no libnvrtc.so.13, or no driver for the CUDA bindings it needs
                // NVRTC's bindings load the runtime's first: once those failed, a touch says only
                // NoClassDefFoundError, and the probe knows the reason.
                unavailable = "NVRTC could not be loaded: " + (e instanceof NoClassDefFoundError && !Cuda.available()
                        ? Cuda.availability().reason() : Cuda.whyNotLoaded(e));
            }
        }
        return unavailable;
    }

    private static void requireLoaded() {
        String reason = unavailableReason();
        if (!reason.isEmpty())
            throw new IllegalStateException(reason);
    }

    private static String log(_nvrtcProgram program, String programName) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            check(nvrtc.nvrtcGetProgramLogSize(program, size), "nvrtcGetProgramLogSize(" + programName + ")");
            byte[] log = new byte[(int) size.get()]; // the size counts the terminating NUL
            check(nvrtc.nvrtcGetProgramLog(program, log), "nvrtcGetProgramLog(" + programName + ")");
            return new String(log, 0, Math.max(0, log.length - 1), StandardCharsets.UTF_8);
        }
    }

    private static byte[] cubin(_nvrtcProgram program, String programName) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            check(nvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize(" + programName + ")");
            byte[] code = new byte[(int) size.get()];
            check(nvrtc.nvrtcGetCUBIN(program, code), "nvrtcGetCUBIN(" + programName + ")");
            return code;
        }
    }

    private static void check(int status, String call) {
        if (status != nvrtc.NVRTC_SUCCESS)
            throw new CudaException(call, status, nvrtc.nvrtcGetErrorString(status).getString());
    }
}
