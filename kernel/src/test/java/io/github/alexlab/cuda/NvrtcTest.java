package io.github.alexlab.cuda;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** NVRTC itself: it needs its library, not a GPU. */
@RequiresNvrtc
class NvrtcTest {
    static final String SAXPY = """
            extern "C" __global__ void saxpy(int n, float a, const float* x, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = a * x[i] + y[i];
            }
            """;

    @Test
    void compilesToACubinForTheArchitecture() {
        for (String architecture : List.of("sm_75", "sm_90")) {
            Nvrtc.Cubin cubin = Nvrtc.compile("saxpy.cu", SAXPY, architecture);
            assertEquals(architecture, cubin.architecture());
            assertArrayEquals(new byte[]{0x7f, 'E', 'L', 'F'}, Arrays.copyOf(cubin.code(), 4), "a cubin is an ELF file");
            assertEquals(List.of("saxpy"), cubin.kernelNames());
            assertEquals(List.of(), cubin.warnings());
        }
        assertNotEquals(Arrays.hashCode(Nvrtc.compile("saxpy.cu", SAXPY, "sm_75").code()),
                Arrays.hashCode(Nvrtc.compile("saxpy.cu", SAXPY, "sm_90").code()), "machine code differs per architecture");
    }

    @Test
    void withoutExternCTheKernelHasItsCppName() {
        Nvrtc.Cubin cubin = Nvrtc.compile("k.cu", "__global__ void scale(float* y, long long n) { y[0] *= 2; }\n", "sm_90");
        assertEquals(List.of("_Z5scalePfx"), cubin.kernelNames());
    }

    @Test
    void warningsComeWithACompiledProgram() {
        Nvrtc.Cubin cubin = Nvrtc.compile("w.cu", "extern \"C\" __global__ void w(int n) {\n  int unused;\n}\n", "sm_90");
        assertEquals(List.of(new NvrtcDiagnostic("w.cu", 2, 7, "warning", "variable \"unused\" was declared but never referenced")),
                cubin.warnings());
    }

    @Test
    void aCompileErrorCarriesTheLog() {
        String source = SAXPY.replace("a * x[i]", "a * z[i]");
        var e = assertThrows(NvrtcCompileException.class, () -> Nvrtc.compile("saxpy.cu", source, "sm_90"));
        assertEquals("saxpy.cu", e.programName());
        assertEquals(List.of(new NvrtcDiagnostic("saxpy.cu", 3, 27, "error", "identifier \"z\" is undefined")), e.diagnostics());
        assertTrue(e.log().contains("1 error detected in the compilation of \"saxpy.cu\""), e.log());
        assertEquals(4, e.diagnosticsShiftedBy(1).get(0).line(), "line 3 of the source is line 4 of a %%cuda cell");
    }

    @Test
    void aMissingHeaderIsACatastrophicError() {
        var e = assertThrows(NvrtcCompileException.class, () -> Nvrtc.compile("k.cu", "#include <nothere.h>\n" + SAXPY, "sm_90"));
        assertEquals("catastrophic error", e.diagnostics().get(0).severity());
        assertEquals(1, e.diagnostics().get(0).line());
    }

    @Test
    void aBadOptionIsACompileErrorWithoutALine() {
        var e = assertThrows(NvrtcCompileException.class, () -> Nvrtc.compile("saxpy.cu", SAXPY, "sm_1"));
        assertEquals("nvrtc", e.diagnostics().get(0).file());
        assertEquals(0, e.diagnostics().get(0).line());
        assertTrue(e.getMessage().contains("--gpu-architecture"), e.getMessage());
        var unknown = assertThrows(NvrtcCompileException.class, () -> Nvrtc.compile("saxpy.cu", SAXPY, "sm_90", "--no-such-option"));
        assertTrue(unknown.getMessage().contains("--no-such-option"), unknown.getMessage());
    }

    @Test
    void callerOptionsReachTheCompiler() {
        // -D defines a macro: the source compiles only when the option got through.
        String source = "extern \"C\" __global__ void k(float* y) { y[0] = SCALE; }\n";
        assertThrows(NvrtcCompileException.class, () -> Nvrtc.compile("k.cu", source, "sm_90"));
        assertEquals(List.of("k"), Nvrtc.compile("k.cu", source, "sm_90", "-DSCALE=2.0f").kernelNames());
    }

    @Test
    void reportsItsVersion() {
        assertTrue(Nvrtc.version().matches("13\\.\\d+"), Nvrtc.version());
    }
}
