package io.github.alexlab.kernel.magic;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.cuda.NvrtcCompileException;
import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** %%cuda without a GPU: its arguments, its error without a GPU, and NVRTC's errors on the cell's lines. */
class CudaMagicTest {
    static final String SOURCE = """
            extern "C" __global__ void saxpy(int n, float a, const float* x, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = a * z[i] + y[i];
            }""";
    // What NVRTC 13.1 says about SOURCE.
    static final String LOG = """
            saxpy.cu(3): error: identifier "z" is undefined
                  if (i < n) y[i] = a * z[i] + y[i];
                                        ^

            1 error detected in the compilation of "saxpy.cu".
            """;

    private final CudaMagic magic = new CudaMagic();
    private final MagicContext context = new MagicContext(null, MagicRegistry.withDefaults(), "cell [5]", 1);

    @Test
    void wrongArgumentsGetTheUsage() {
        for (String[] args : new String[][]{{"", "name the variable for the kernel"}, {"a b c", "too many arguments: a b c"},
                {"1st", "'1st' cannot be a Java variable name"}, {"class", "'class' cannot be a Java variable name"},
                {"k my-kernel", "'my-kernel' cannot be the name of a CUDA function"}}) {
            CellError e = assertThrows(CellError.class, () -> magic.cell(args[0], SOURCE, context), args[0]);
            assertEquals("MagicError", e.name());
            assertEquals(args[1], e.getMessage());
            assertEquals("%%cuda: " + args[1] + " (cell [5] line 1)", e.traceback().get(0));
            assertTrue(e.traceback().contains("Usage: %%cuda NAME [FUNCTION]"), e.traceback().toString());
        }
        CellError empty = assertThrows(CellError.class, () -> magic.cell("saxpy", "  \n", context));
        assertEquals("the CUDA source goes on the lines below the %%cuda line", empty.getMessage());
    }

    @Test
    void helpPrintsTheUsage() throws CellError {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        Outcome outcome;
        try {
            outcome = magic.cell("--help", "", context);
        } finally {
            System.setOut(out);
        }
        assertSame(Outcome.NOTHING, outcome);
        assertTrue(printed.toString(StandardCharsets.UTF_8).startsWith("Usage: %%cuda NAME [FUNCTION]"), printed.toString());
    }

    @Test
    void withoutAGpuItSaysWhy() {
        assumeFalse(Cuda.available(), "this machine has a GPU: the protocol test compiles there");
        CellError e = assertThrows(CellError.class, () -> magic.cell("saxpy", SOURCE, context));
        assertEquals("NoGpuError", e.name());
        assertEquals("%%cuda needs an NVIDIA GPU: no CUDA device: " + Cuda.availability().reason(), e.getMessage());
        assertEquals(List.of(e.getMessage() + " (cell [5] line 1)"), e.traceback());
    }

    @Test
    void compileErrorsPointAtTheCellsLines() {
        CellError e = CudaMagic.compileError(new NvrtcCompileException("saxpy.cu", LOG), SOURCE, "cell [5]", 1);
        assertEquals("CudaCompilationError", e.name());
        assertEquals("identifier \"z\" is undefined (cell [5] line 4)", e.getMessage());
        assertEquals(List.of(
                "error: cell [5] line 4, column 27: identifier \"z\" is undefined",
                "        if (i < n) y[i] = a * z[i] + y[i];",
                "                              ^"), e.traceback());
        // Blank lines above the %%cuda line move everything down.
        CellError lower = CudaMagic.compileError(new NvrtcCompileException("saxpy.cu", LOG), SOURCE, "cell [6]", 3);
        assertEquals("error: cell [6] line 6, column 27: identifier \"z\" is undefined", lower.traceback().get(0));
    }

    @Test
    void tabsStayUnderTheCaretAndOptionErrorsHaveNoLine() {
        String log = "k.cu(2): error: identifier \"zz\" is undefined\n  \ty[0] = zz;\n  \t       ^\n\n";
        CellError tab = CudaMagic.compileError(new NvrtcCompileException("k.cu", log), "__global__ void k(float* y) {\n\ty[0] = zz;\n}", "cell [1]", 1);
        assertEquals(List.of("error: cell [1] line 3, column 9: identifier \"zz\" is undefined", "    \ty[0] = zz;", "    \t       ^"), tab.traceback());
        CellError option = CudaMagic.compileError(new NvrtcCompileException("k.cu", "nvrtc: error: invalid value for --gpu-architecture (-arch)\n"),
                SOURCE, "cell [1]", 1);
        assertEquals(List.of("nvrtc: error: invalid value for --gpu-architecture (-arch)"), option.traceback());
        assertEquals("invalid value for --gpu-architecture (-arch) (nvrtc)", option.getMessage());
        CellError unread = CudaMagic.compileError(new NvrtcCompileException("k.cu", "out of cheese\n"), SOURCE, "cell [1]", 1);
        assertEquals(List.of("out of cheese"), unread.traceback());
    }

    @Test
    void lsmagicListsIt() {
        assertTrue(MagicRegistry.withDefaults().listing().stream().anyMatch(l -> l.startsWith("%%cuda") && l.contains("NAME [FUNCTION]")),
                MagicRegistry.withDefaults().listing().toString());
    }
}
