package io.github.alexlab.kernel.run;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.alexlab.kernel.wire.JupyterMessage;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Executes notebooks without Python or Jupyter: {@code run NOTEBOOK... [--out DIR] [--timeout S]}.
 * <p>
 * Each notebook gets a fresh kernel, started in the notebook's folder as Jupyter starts one, and
 * its code cells run top to bottom as a frontend runs them (execute requests; outputs from the
 * kernel's IOPub messages). The executed copy goes to DIR/NAME.ipynb, also when a cell failed.
 * A cell may fail only if it is tagged {@code raises-exception}; any other error, or a cell
 * running past the timeout, stops the notebook there. One line per cell shows the progress;
 * Ctrl-C interrupts the running cell and ends the run (twice: at once). Exit code 0 when every
 * notebook ran, 1 when one failed, 2 for a wrong command line, 130 after Ctrl-C.
 */
public final class NotebookRunner {
    private static final String ALLOWED_TAG = "raises-exception";
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");
    private static final String USAGE = """
            usage: run NOTEBOOK... [--out DIR] [--timeout SECONDS]

            Executes each notebook in a fresh kernel, without Jupyter, and writes the executed copy to
            DIR/NAME.ipynb (default build/executed). A cell may fail only when it is tagged
            raises-exception. --timeout: seconds one cell may run (default: ALEXLAB_CELL_TIMEOUT, else 600).""";

    private final PrintStream out;
    private final Path outDir;
    private final Duration cellTimeout;
    private volatile boolean stopAsked;
    private volatile KernelClient current;

    NotebookRunner(PrintStream out, Path outDir, Duration cellTimeout) {
        this.out = out;
        this.outDir = outDir;
        this.cellTimeout = cellTimeout;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the command line; returns the exit code. */
    static int run(String[] args, PrintStream out) {
        List<Path> notebooks = new ArrayList<>();
        Path outDir = Path.of("build", "executed");
        long timeout;
        try {
            timeout = Long.parseLong(System.getenv().getOrDefault("ALEXLAB_CELL_TIMEOUT", "600"));
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> outDir = Path.of(valueOf(args, ++i, "--out"));
                    case "--timeout" -> timeout = Long.parseLong(valueOf(args, ++i, "--timeout"));
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("-"))
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        notebooks.add(Path.of(args[i]));
                    }
                }
            }
            if (notebooks.isEmpty())
                throw new IllegalArgumentException("name at least one notebook");
            if (timeout <= 0)
                throw new IllegalArgumentException("the timeout must be a positive number of seconds, got " + timeout);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            out.println("run: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        NotebookRunner runner = new NotebookRunner(out, outDir, Duration.ofSeconds(timeout));
        runner.stopOnCtrlC();
        int passed = 0, failed = 0;
        for (Path notebook : notebooks) {
            if (runner.stopAsked)
                break;
            if (runner.runOne(notebook))
                passed++;
            else
                failed++;
        }
        out.println("notebooks: " + passed + " passed, " + failed + " failed, 0 skipped");
        return runner.stopAsked ? 130 : failed > 0 ? 1 : 0;
    }

    private static String valueOf(String[] args, int i, String option) {
        if (i >= args.length)
            throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    /** Ctrl-C interrupts the running cell, as Kernel &gt; Interrupt does; a second one ends the run at once. */
    @SuppressWarnings("restriction")
    private void stopOnCtrlC() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                if (stopAsked) {
                    KernelClient k = current;
                    if (k != null)
                        k.close();
                    Runtime.getRuntime().halt(130);
                }
                stopAsked = true;
                out.println("\nCtrl-C: interrupting the running cell (again to quit at once)");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException noSignals) {
            // no SIGINT here (a JVM started with -Xrs): Ctrl-C ends the run the JVM's own way
        }
    }

    /** Runs one notebook and writes its executed copy; true when it ran without a failure. */
    boolean runOne(Path path) {
        long started = System.nanoTime();
        JsonObject notebook;
        try {
            notebook = JsonParser.parseString(Files.readString(path, StandardCharsets.UTF_8)).getAsJsonObject();
            if (!notebook.has("cells") || !notebook.get("cells").isJsonArray())
                throw new IllegalStateException("it has no list of cells");
        } catch (IOException | RuntimeException e) {
            out.println("FAILED " + path + ": not a notebook that can be read (" + e.getMessage() + ")");
            return false;
        }
        JsonArray cells = notebook.getAsJsonArray("cells");
        int codeCells = 0;
        for (JsonElement c : cells)
            if (isCode(c.getAsJsonObject()))
                codeCells++;
        out.println(path + ": " + codeCells + " code cells");
        String failure = null;
        Path folder = path.toAbsolutePath().getParent();
        try (KernelClient kernel = new KernelClient(folder)) {
            current = kernel;
            kernel.waitUntilReady();
            int n = 0;
            for (int index = 0; index < cells.size() && failure == null; index++) {
                JsonObject cell = cells.get(index).getAsJsonObject();
                if (!isCode(cell))
                    continue;
                n++;
                failure = runCell(kernel, cell, index, n, codeCells);
            }
        } catch (IOException | RuntimeException e) {
            failure = "the kernel failed: " + e.getMessage();
        } finally {
            current = null;
        }
        try {
            write(notebook, outDir.resolve(path.getFileName().toString()));
        } catch (IOException e) {
            failure = (failure == null ? "" : failure + "; ") + "the executed copy could not be written: " + e.getMessage();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (failure == null)
            out.printf("ok  %s (%.1f s)%n", path, seconds);
        else
            out.printf("FAILED %s (%.1f s)%n%s%n", path, seconds, indent(failure, "    "));
        return failure == null;
    }

    /** Runs one code cell into its outputs; returns why the notebook stops here, or null. */
    private String runCell(KernelClient kernel, JsonObject cell, int index, int n, int of) throws IOException {
        String source = text(cell.get("source"));
        long started = System.nanoTime();
        KernelClient.Execution run = kernel.execute(source, cellTimeout, () -> stopAsked);
        CellOutputs outputs = new CellOutputs();
        for (JupyterMessage m : run.messages())
            outputs.add(m);
        cell.add("outputs", outputs.toJson());
        JsonElement count = run.reply().get("execution_count");
        cell.add("execution_count", count == null ? JsonNull.INSTANCE : count);
        String status = run.reply().has("status") ? run.reply().get("status").getAsString() : "error";
        boolean mayRaise = tags(cell).contains(ALLOWED_TAG);
        String shown = run.timedOut() ? "TIMEOUT" : run.interrupted() ? "STOPPED"
                : status.equals("ok") ? "ok" : mayRaise ? "raised" : "FAILED";
        out.printf("  [%d/%d] %-8s %5.1f s  %s%n", n, of, shown, (System.nanoTime() - started) / 1e9, firstLine(source));
        String where = "cell " + index + " (code cell " + n + " of " + of + ")";
        if (run.timedOut())
            return where + " ran past the timeout of " + cellTimeout.toSeconds() + " s and was interrupted:\n"
                    + indent(source, "  | ");
        if (run.interrupted())
            return where + " was interrupted (Ctrl-C)";
        if (status.equals("ok") || mayRaise)
            return null;
        JsonObject error = outputs.error();
        String ename = error != null ? error.get("ename").getAsString() : text(run.reply().get("ename"));
        String evalue = error != null ? error.get("evalue").getAsString() : text(run.reply().get("evalue"));
        JsonElement traceback = error != null ? error.get("traceback") : run.reply().get("traceback");
        return where + " raised " + ename + (evalue.isEmpty() ? "" : ": " + evalue) + "\n"
                + indent(source, "  | ") + "\n" + indent(ANSI.matcher(String.join("\n", lines(traceback))).replaceAll(""), "  ");
    }

    private static boolean isCode(JsonObject cell) {
        return cell.has("cell_type") && cell.get("cell_type").getAsString().equals("code");
    }

    private static List<String> tags(JsonObject cell) {
        JsonObject metadata = cell.has("metadata") && cell.get("metadata").isJsonObject()
                ? cell.getAsJsonObject("metadata") : new JsonObject();
        return metadata.has("tags") ? lines(metadata.get("tags")) : List.of();
    }

    /** A multiline string of nbformat: a string, or a list of strings to join. */
    private static String text(JsonElement e) {
        if (e == null || e.isJsonNull())
            return "";
        return e.isJsonArray() ? String.join("", lines(e)) : e.getAsString();
    }

    private static List<String> lines(JsonElement e) {
        List<String> lines = new ArrayList<>();
        if (e != null && e.isJsonArray())
            e.getAsJsonArray().forEach(x -> lines.add(x.getAsString()));
        return lines;
    }

    private static String firstLine(String source) {
        String line = source.strip().lines().findFirst().orElse("");
        return line.length() > 60 ? line.substring(0, 57) + "..." : line;
    }

    private static String indent(String text, String prefix) {
        return text.lines().map(l -> prefix + l).reduce((a, b) -> a + "\n" + b).orElse(prefix);
    }

    private static void write(JsonObject notebook, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(notebook);
        Files.writeString(target, json + "\n", StandardCharsets.UTF_8);
    }
}
