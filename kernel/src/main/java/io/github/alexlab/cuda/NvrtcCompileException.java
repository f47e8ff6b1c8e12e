package io.github.alexlab.cuda;

import java.util.List;
import java.util.stream.Collectors;

/**
 * CUDA C source that NVRTC did not compile: the program's name, NVRTC's whole log, and the errors and
 * warnings read from it. The message lists the errors as NVRTC writes them
 * ({@code saxpy.cu(3): error: identifier "x" is undefined}).
 */
public class NvrtcCompileException extends RuntimeException {
    private final String programName;
    private final String log;
    private final List<NvrtcDiagnostic> diagnostics;

    public NvrtcCompileException(String programName, String log) {
        this(programName, log, NvrtcDiagnostic.parse(log));
    }

    private NvrtcCompileException(String programName, String log, List<NvrtcDiagnostic> diagnostics) {
        super(programName + " did not compile:\n" + errorLines(log, diagnostics));
        this.programName = programName;
        this.log = log;
        this.diagnostics = diagnostics;
    }

    /** The name the source was compiled under; NVRTC's log names the file so, e.g. "saxpy.cu". */
    public String programName() {
        return programName;
    }

    /** NVRTC's log, word for word. */
    public String log() {
        return log;
    }

    /** Every error and warning in the log, in order, with the source's own line numbers. */
    public List<NvrtcDiagnostic> diagnostics() {
        return diagnostics;
    }

    /**
     * The diagnostics with their lines moved {@code lines} down where they point into this program
     * (not into a header it includes): for source shown below a first line of its own, such as the
     * {@code %%cuda} line of a notebook cell ({@code diagnosticsShiftedBy(1)}).
     */
    public List<NvrtcDiagnostic> diagnosticsShiftedBy(int lines) {
        return diagnostics.stream().map(d -> d.file().equals(programName) ? d.shiftedBy(lines) : d).toList();
    }

    private static String errorLines(String log, List<NvrtcDiagnostic> diagnostics) {
        String errors = diagnostics.stream().filter(NvrtcDiagnostic::isError).map(NvrtcDiagnostic::toString)
                .collect(Collectors.joining("\n"));
        return errors.isEmpty() ? log.strip() : errors; // a log we cannot read is shown as it is
    }
}
