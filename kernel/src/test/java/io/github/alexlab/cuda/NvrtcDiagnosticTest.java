package io.github.alexlab.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Reading NVRTC's log; the logs below are NVRTC 13.1's own, word for word. No NVRTC is needed. */
class NvrtcDiagnosticTest {
    static final String TWO_ERRORS = """
            saxpy.cu(3): error: identifier "x" is undefined
                y[i] = x;
                       ^

            saxpy.cu(4): error: identifier "undefined_fn" is undefined
                float q = undefined_fn(3);
                          ^

            2 errors detected in the compilation of "saxpy.cu".
            """;

    static final String WARNINGS = """
            w.cu(3): warning #186-D: pointless comparison of unsigned integer with zero
                unsigned u = 3; if (u < 0) n++;
                                      ^

            Remark: The warnings can be suppressed with "-diag-suppress <warning-number>"

            w.cu(2): warning #177-D: variable "unused" was declared but never referenced
                int unused;
                    ^

            """;

    static final String MISSING_INCLUDE = """
            k.cu(1): catastrophic error: could not open source file "nothere.h" (no directories in search list)
              #include <nothere.h>
                                  ^

            1 catastrophic error detected in the compilation of "k.cu".
            Compilation terminated.
            """;

    static final String TEMPLATE = """
            k.cu(1): error: expression must have class type but it has type "float"
              template <typename T> __device__ T twice(T v) { return v.bad; }
                                                                     ^
                      detected during instantiation of "T twice(T) [with T=float]" at line 3

            1 error detected in the compilation of "k.cu".
            """;

    static final String TAB = """
            k.cu(2): error: identifier "zz" is undefined
              \ty[0] = zz;
              \t       ^

            1 error detected in the compilation of "k.cu".
            """;

    static final String TWO_ON_ONE_LINE = """
            k.cu(3): error: argument of type "int" is incompatible with parameter of type "float *"
                foo(3);
                    ^

            k.cu(3): error: too few arguments in function call
                foo(3);
                     ^

            2 errors detected in the compilation of "k.cu".
            """;

    @Test
    void readsEachErrorWithItsLineAndColumn() {
        List<NvrtcDiagnostic> d = NvrtcDiagnostic.parse(TWO_ERRORS);
        assertEquals(List.of(new NvrtcDiagnostic("saxpy.cu", 3, 10, "error", "identifier \"x\" is undefined"),
                new NvrtcDiagnostic("saxpy.cu", 4, 13, "error", "identifier \"undefined_fn\" is undefined")), d);
        assertTrue(d.get(0).isError());
        assertEquals("saxpy.cu(3): error: identifier \"x\" is undefined", d.get(0).toString());
    }

    @Test
    void readsWarningsPastRemarks() {
        List<NvrtcDiagnostic> d = NvrtcDiagnostic.parse(WARNINGS);
        assertEquals(2, d.size(), d.toString());
        assertEquals(new NvrtcDiagnostic("w.cu", 3, 25, "warning", "pointless comparison of unsigned integer with zero"), d.get(0));
        assertEquals(new NvrtcDiagnostic("w.cu", 2, 7, "warning", "variable \"unused\" was declared but never referenced"), d.get(1));
        assertFalse(d.get(0).isError() || d.get(1).isError());
    }

    @Test
    void aMissingIncludeIsACatastrophicError() {
        List<NvrtcDiagnostic> d = NvrtcDiagnostic.parse(MISSING_INCLUDE);
        assertEquals(1, d.size(), d.toString());
        assertEquals("catastrophic error", d.get(0).severity());
        assertTrue(d.get(0).isError());
        assertEquals(1, d.get(0).line());
        assertTrue(d.get(0).message().startsWith("could not open source file \"nothere.h\""), d.get(0).message());
    }

    @Test
    void notesUnderTheCaretBelongToTheMessageAndMoveWithTheLines() {
        NvrtcDiagnostic d = NvrtcDiagnostic.parse(TEMPLATE).get(0);
        assertEquals("expression must have class type but it has type \"float\"\n"
                + "detected during instantiation of \"T twice(T) [with T=float]\" at line 3", d.message());
        assertEquals(56, d.column());
        NvrtcDiagnostic moved = d.shiftedBy(1);
        assertEquals(2, moved.line());
        assertEquals(56, moved.column());
        assertTrue(moved.message().endsWith("at line 4"), moved.message());
    }

    @Test
    void aTabCountsAsOneColumnAsInTheSource() {
        assertEquals(new NvrtcDiagnostic("k.cu", 2, 9, "error", "identifier \"zz\" is undefined"), NvrtcDiagnostic.parse(TAB).get(0));
    }

    @Test
    void twoErrorsOnOneLineKeepTheirOwnColumns() {
        List<NvrtcDiagnostic> d = NvrtcDiagnostic.parse(TWO_ON_ONE_LINE);
        assertEquals(List.of(3, 3), d.stream().map(NvrtcDiagnostic::line).toList());
        assertEquals(List.of(7, 8), d.stream().map(NvrtcDiagnostic::column).toList());
        assertEquals("too few arguments in function call", d.get(1).message());
    }

    @Test
    void anOptionErrorHasNoLine() {
        List<NvrtcDiagnostic> d = NvrtcDiagnostic.parse("nvrtc: error: invalid value for --gpu-architecture (-arch)\n");
        assertEquals(List.of(new NvrtcDiagnostic("nvrtc", 0, 0, "error", "invalid value for --gpu-architecture (-arch)")), d);
        assertEquals(d.get(0), d.get(0).shiftedBy(1), "no line to move");
        assertEquals("nvrtc: error: invalid value for --gpu-architecture (-arch)", d.get(0).toString());
    }

    @Test
    void anEmptyLogHasNothing() {
        assertEquals(List.of(), NvrtcDiagnostic.parse(""));
    }

    @Test
    void theExceptionListsTheErrorsAndRenumbersOnlyItsOwnFile() {
        String log = TWO_ERRORS + "cuda_fp16.hpp(120): error: something in a header\n    x\n    ^\n";
        NvrtcCompileException e = new NvrtcCompileException("saxpy.cu", log);
        assertEquals("saxpy.cu", e.programName());
        assertEquals(log, e.log());
        assertEquals(3, e.diagnostics().size());
        assertEquals("saxpy.cu did not compile:\nsaxpy.cu(3): error: identifier \"x\" is undefined\n"
                + "saxpy.cu(4): error: identifier \"undefined_fn\" is undefined\n"
                + "cuda_fp16.hpp(120): error: something in a header", e.getMessage());
        List<NvrtcDiagnostic> inCell = e.diagnosticsShiftedBy(1);
        assertEquals(List.of(4, 5, 120), inCell.stream().map(NvrtcDiagnostic::line).toList());
        assertEquals(List.of(3, 4, 120), e.diagnostics().stream().map(NvrtcDiagnostic::line).toList(), "the original stays");
    }

    @Test
    void aLogWithoutDiagnosticsIsTheMessage() {
        NvrtcCompileException e = new NvrtcCompileException("k.cu", "something NVRTC never said before\n");
        assertEquals(List.of(), e.diagnostics());
        assertEquals("k.cu did not compile:\nsomething NVRTC never said before", e.getMessage());
    }
}
