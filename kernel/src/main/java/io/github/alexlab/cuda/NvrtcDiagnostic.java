package io.github.alexlab.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One error or warning from NVRTC, CUDA's run-time compiler, read from its log. NVRTC writes each as
 * <pre>
 * saxpy.cu(3): error: identifier "x" is undefined
 *     y[i] = x;
 *            ^
 * </pre>
 * the source line and a caret under the place, both indented by two spaces. {@code line} counts
 * from 1 in {@code file} (0: the diagnostic is about the options, not the source), {@code column}
 * from 1 (0: not known), and {@code message} may go on over further lines (e.g. "detected during
 * instantiation of ... at line 3").
 */
public record NvrtcDiagnostic(String file, int line, int column, String severity, String message) {
    // "file(line): severity[ #number]: message"; severity is error, warning, remark or catastrophic error
    private static final Pattern AT_SOURCE = Pattern.compile(
            "^(.+?)\\((\\d+)\\): (catastrophic error|error|warning|remark)(?: #[\\w-]+)?: (.*)$");
    // "nvrtc: error: invalid value for --gpu-architecture (-arch)": about the options
    private static final Pattern AT_OPTIONS = Pattern.compile("^(nvrtc): (error|warning): (.*)$");
    private static final Pattern CARET = Pattern.compile("^[ \\t]*\\^[ \\t]*$");
    private static final Pattern AT_LINE = Pattern.compile("\\bat line (\\d+)(?! of )");
    private static final int LOG_INDENT = 2; // NVRTC indents the quoted source line and the caret

    /** True for errors (catastrophic ones included): they stop the compilation; warnings do not. */
    public boolean isError() {
        return severity.endsWith("error");
    }

    /**
     * The same diagnostic {@code lines} further down: for source that starts below line 1 of what the
     * reader sees (in a notebook cell under a {@code %%cuda} line, source line k is cell line k + 1).
     * Line numbers inside the message ("at line 3") move too.
     */
    public NvrtcDiagnostic shiftedBy(int lines) {
        if (line == 0)
            return this;
        Matcher m = AT_LINE.matcher(message);
        StringBuilder moved = new StringBuilder();
        while (m.find())
            m.appendReplacement(moved, "at line " + (Integer.parseInt(m.group(1)) + lines));
        m.appendTail(moved);
        return new NvrtcDiagnostic(file, line + lines, column, severity, moved.toString());
    }

    /** As NVRTC writes it: {@code saxpy.cu(3): error: identifier "x" is undefined}. */
    @Override
    public String toString() {
        return (line > 0 ? file + "(" + line + ")" : file) + ": " + severity + ": " + message;
    }

    /** Reads every error and warning in an NVRTC log, in order; summary lines ("1 error detected ...") are skipped. */
    public static List<NvrtcDiagnostic> parse(String log) {
        List<NvrtcDiagnostic> found = new ArrayList<>();
        List<String> lines = log.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher options = AT_OPTIONS.matcher(lines.get(i));
            if (options.matches()) {
                found.add(new NvrtcDiagnostic(options.group(1), 0, 0, options.group(2), options.group(3).strip()));
                continue;
            }
            Matcher head = AT_SOURCE.matcher(lines.get(i));
            if (!head.matches())
                continue;
            // The block under the head line runs to a blank line or the next diagnostic.
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).isBlank() && !AT_SOURCE.matcher(lines.get(end)).matches())
                end++;
            int caret = -1;
            for (int j = i + 1; j < end; j++)
                if (CARET.matcher(lines.get(j)).matches())
                    caret = j;
            StringBuilder message = new StringBuilder(head.group(4).strip());
            for (int j = i + 1; j < end; j++)
                if (j != caret && j != caret - 1) // skip the quoted source line and the caret under it
                    message.append('\n').append(lines.get(j).strip());
            int column = caret < 0 ? 0 : Math.max(1, lines.get(caret).indexOf('^') - LOG_INDENT + 1);
            found.add(new NvrtcDiagnostic(head.group(1), Integer.parseInt(head.group(2)), column, head.group(3), message.toString()));
            i = end - 1;
        }
        return List.copyOf(found);
    }
}
