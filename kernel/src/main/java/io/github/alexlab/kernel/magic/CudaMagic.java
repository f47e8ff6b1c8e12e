package io.github.alexlab.kernel.magic;

import io.github.alexlab.cuda.Cuda;
import io.github.alexlab.cuda.CudaException;
import io.github.alexlab.cuda.NvrtcCompileException;
import io.github.alexlab.cuda.NvrtcDiagnostic;
import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.tensor.CudaKernel;
import io.github.alexlab.tensor.Device;

import javax.lang.model.SourceVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code %%cuda NAME [FUNCTION]}: the rest of the cell is CUDA C++; it is compiled for this machine's
 * GPU and the kernel FUNCTION (default NAME) becomes the Java variable NAME, a {@link CudaKernel}, for
 * the next cells to launch. Compile errors point at the cell's own lines, as Java's do.
 */
public final class CudaMagic implements CellMagic {
    static final String USAGE = """
            Usage: %%cuda NAME [FUNCTION]
              Compiles the rest of the cell (CUDA C++) for this machine's GPU and binds its kernel FUNCTION
              (default: NAME) to the Java variable NAME, a CudaKernel. Declare the kernel extern "C" so that
              it keeps its name. For example:
                %%cuda saxpy
                extern "C" __global__ void saxpy(int n, float a, const float* x, float* y) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) y[i] = a * x[i] + y[i];
                }
              then in a later cell, with x and y GpuArrays of n floats:
                saxpy.launch(CudaKernel.blocksFor(n, 256), 256, n, 2.0f, x, y);""";

    // Compiled kernels wait here, by variable name, until the cell's Java code picks them up.
    private static final Map<String, CudaKernel> COMPILED = new ConcurrentHashMap<>();

    CudaMagic() {
    }

    @Override
    public List<String> names() {
        return List.of("cuda");
    }

    @Override
    public String summary() {
        return "compile the cell's CUDA C++ kernel for the GPU and bind it to a variable: %%cuda NAME [FUNCTION]";
    }

    @Override
    public Outcome cell(String args, String body, MagicContext context) throws CellError {
        List<String> words = args.isBlank() ? List.of() : List.of(args.strip().split("\\s+"));
        if (words.contains("-h") || words.contains("--help")) {
            System.out.println(USAGE);
            return Outcome.NOTHING;
        }
        if (words.isEmpty() || words.size() > 2)
            throw usage(context, words.isEmpty() ? "name the variable for the kernel" : "too many arguments: " + args.strip());
        String name = words.get(0), function = words.size() == 2 ? words.get(1) : name;
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name))
            throw usage(context, "'" + name + "' cannot be a Java variable name");
        if (!function.matches("[A-Za-z_][A-Za-z0-9_]*"))
            throw usage(context, "'" + function + "' cannot be the name of a CUDA function");
        if (body.isBlank())
            throw usage(context, "the CUDA source goes on the lines below the %%cuda line");
        Cuda.Availability cuda = Cuda.availability();
        if (!cuda.available()) {
            String message = "%%cuda needs an NVIDIA GPU: " + cuda;
            throw new CellError("NoGpuError", message, List.of(message + " (" + context.cellLabel() + " line " + context.firstLine() + ")"));
        }

        CudaKernel kernel;
        try {
            kernel = CudaKernel.compile(Device.best(), body, function);
        } catch (NvrtcCompileException e) {
            throw compileError(e, body, context.cellLabel(), context.firstLine());
        } catch (IllegalArgumentException e) { // no kernel of that name
            throw usage(context, e.getMessage());
        } catch (IllegalStateException | CudaException e) { // NVRTC missing, or the driver refused the code
            String message = e.getMessage();
            throw new CellError("CudaError", message, List.of("%%cuda: " + message + " (" + context.cellLabel() + " line " + context.firstLine() + ")"));
        }
        List<String> bodyLines = body.lines().toList();
        for (NvrtcDiagnostic warning : kernel.warnings())
            describe(warning.shiftedBy(context.firstLine()), warning.file().equals(function + ".cu"), bodyLines, context.cellLabel(), context.firstLine())
                    .forEach(System.err::println);
        COMPILED.put(name, kernel);
        context.eval(CudaKernel.class.getName() + " " + name + " = " + CudaMagic.class.getName() + ".take(\"" + name + "\");", context.firstLine());
        System.out.println(name + " = " + kernel);
        return Outcome.NOTHING;
    }

    /** Hands the kernel the magic compiled for variable {@code name} to the cell's Java code (once). */
    public static CudaKernel take(String name) {
        CudaKernel kernel = COMPILED.remove(name);
        if (kernel == null)
            throw new IllegalStateException("no %%cuda kernel is waiting for the variable " + name);
        return kernel;
    }

    /**
     * NVRTC's errors as the kernel shows Java's: the cell's line and column, the line itself and a caret
     * under the place. The source starts on the line after the {@code %%cuda} line ({@code magicLine}).
     */
    static CellError compileError(NvrtcCompileException e, String body, String cellLabel, int magicLine) {
        List<String> bodyLines = body.lines().toList(), traceback = new ArrayList<>();
        String first = null;
        for (NvrtcDiagnostic d : e.diagnosticsShiftedBy(magicLine)) {
            if (!d.isError())
                continue;
            boolean inCell = d.file().equals(e.programName());
            if (first == null)
                first = d.message().lines().findFirst().orElse("") + (inCell ? " (" + cellLabel + " line " + d.line() + ")" : " (" + d.file() + ")");
            traceback.addAll(describe(d, inCell, bodyLines, cellLabel, magicLine));
        }
        if (first == null) { // a log we could not read: show it as it is
            first = "the CUDA source did not compile";
            traceback.addAll(e.log().lines().toList());
        }
        return new CellError("CudaCompilationError", first, traceback);
    }

    /** One diagnostic, whose line is already a cell line: "error: cell [3] line 4, column 12: ...", the line, a caret. */
    static List<String> describe(NvrtcDiagnostic d, boolean inCell, List<String> bodyLines, String cellLabel, int magicLine) {
        int index = d.line() - magicLine - 1; // the line's place in the body
        if (!inCell || index < 0 || index >= bodyLines.size())
            return List.of(d.toString()); // about an option, or inside a header: as NVRTC says it
        List<String> lines = new ArrayList<>();
        String where = cellLabel + " line " + d.line() + (d.column() > 0 ? ", column " + d.column() : "");
        List<String> message = d.message().lines().toList();
        lines.add(d.severity() + ": " + where + ": " + (message.isEmpty() ? "" : message.get(0)));
        message.stream().skip(1).forEach(more -> lines.add("  " + more));
        String source = bodyLines.get(index);
        lines.add("    " + source);
        if (d.column() > 0) {
            // Spaces under the line, but a tab stays a tab so that the caret lines up however tabs are shown.
            StringBuilder under = new StringBuilder();
            for (int i = 0; i < d.column() - 1; i++)
                under.append(i < source.length() && source.charAt(i) == '\t' ? '\t' : ' ');
            lines.add("    " + under + "^");
        }
        return lines;
    }

    private static CellError usage(MagicContext context, String problem) {
        List<String> lines = new ArrayList<>();
        lines.add("%%cuda: " + problem + " (" + context.cellLabel() + " line " + context.firstLine() + ")");
        lines.addAll(USAGE.lines().toList());
        return new CellError("MagicError", problem, lines);
    }
}
