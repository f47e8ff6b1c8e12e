package io.github.alexlab.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.alexlab.kernel.eval.CellError;
import io.github.alexlab.kernel.eval.CodeAssist;
import io.github.alexlab.kernel.eval.CompilerWarmUp;
import io.github.alexlab.kernel.eval.ExitGuard;
import io.github.alexlab.kernel.eval.JavaEvaluator;
import io.github.alexlab.kernel.eval.JavaEvaluator.Outcome;
import io.github.alexlab.kernel.magic.MagicRegistry;
import io.github.alexlab.kernel.wire.JupyterMessage;
import io.github.alexlab.kernel.wire.KernelSockets;
import io.github.alexlab.kernel.wire.KernelSockets.Channel;
import io.github.alexlab.kernel.wire.RequestFields;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Java kernel: answers each Jupyter request. Every request is framed by busy/idle status
 * messages, every reply carries {@code status}, and a request we do not know still gets an answer.
 * A request's idle status goes out before its reply (see {@link #sendReply}).
 */
public final class JavaKernel implements Notebook.Frontend {
    private static final Logger LOG = Logger.getLogger("alexlab.kernel");

    /** Run in JShell before the first cell: what `jshell` imports by default, plus the notebook functions. */
    static final List<String> STARTUP = List.of(
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.regex.*;", "import java.util.stream.*;",
            "import static io.github.alexlab.kernel.Notebook.*;",
            // the course library: tensors, layers, models, data, training, charts, benchmarks
            "import org.nd4j.linalg.factory.Nd4j;", "import org.nd4j.linalg.api.ndarray.INDArray;",
            "import org.nd4j.linalg.api.buffer.DataType;", "import org.nd4j.linalg.ops.transforms.Transforms;",
            "import org.nd4j.linalg.indexing.NDArrayIndex;",
            "import io.github.alexlab.nn.*;", "import io.github.alexlab.models.*;", "import io.github.alexlab.viz.Charts;",
            "import io.github.alexlab.viz.Numbers;", "import io.github.alexlab.viz.Units;",
            "import io.github.alexlab.data.*;", "import io.github.alexlab.train.*;",
            "import io.github.alexlab.tensor.*;", "import io.github.alexlab.cuda.Cuda;", "import io.github.alexlab.bench.*;",
            "import io.github.alexlab.quant.*;",
            // the classroom lessons: checks in test cells, stubs, inputs from the course's secret
            "import io.github.alexlab.lesson.Check;", "import io.github.alexlab.lesson.Lesson;",
            "import io.github.alexlab.lesson.Todo;");

    /** About 5 s of one core on a small machine, after which one-line cells compile about 3x faster. */
    private static final int WARM_UP_COMPILATIONS = Integer.getInteger("alexlab.warmup", 300);

    private final KernelSockets sockets;
    private final IOPub iopub;
    private final StreamOutput stdout, stderr;
    private final KernelStdin stdin;
    // The kernel's own System.out and System.err: kept here, since a cell may replace System's. Made
    // with the kernel: a kernel_info_request may come in before start() has run.
    private final PrintStream out, err;
    private final Set<String> replacedStreams = new LinkedHashSet<>();
    private final InputHistory history = new InputHistory();
    private final MagicRegistry magics = MagicRegistry.withDefaults();
    private final CompletableFuture<JavaEvaluator> evaluator = new CompletableFuture<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alexlab-output-flusher");
        t.setDaemon(true);
        return t;
    });
    private int executionCount;
    private volatile boolean cellRunning, cellInterrupted;
    private final IdleCollector idleCollector = new IdleCollector(() -> cellRunning);
    private boolean compilerWarmUpStarted;
    private boolean abortingQueuedCells; // shell thread only
    /** The request whose idle status this thread (shell or control) has published already. */
    private final ThreadLocal<JupyterMessage> idlePublished = new ThreadLocal<>();

    JavaKernel(KernelSockets sockets) {
        this.sockets = sockets;
        this.iopub = new IOPub(sockets);
        this.stdout = new StreamOutput("stdout", iopub);
        this.stderr = new StreamOutput("stderr", iopub);
        this.stdin = new KernelStdin(sockets);
        // No autoflush: a PrintStream that flushes every write would send printf in pieces;
        // StreamOutput sends whole lines as they come, and the rest on a timer and at cell end.
        this.out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
        this.err = new PrintStream(stderr, false, StandardCharsets.UTF_8);
    }

    /** Redirects System.out/err/in to the notebook and starts JShell in the background. */
    void start() {
        System.setOut(out);
        System.setErr(err);
        System.setIn(stdin);
        Notebook.attach(this);
        flusher.scheduleAtFixedRate(this::flushStreams, 100, 100, TimeUnit.MILLISECONDS);
        // kernel_info is answered at once; cells wait for JShell, a second or two on a small machine; ND4J
        // starts before the first cell that uses it (Nd4jOnFirstUse).
        Thread starter = new Thread(() -> {
            JavaEvaluator java = null;
            Throwable failure = null;
            try {
                java = new JavaEvaluator(STARTUP);
            } catch (Throwable t) {
                failure = t;
            }
            if (failure == null)
                evaluator.complete(java);
            else
                evaluator.completeExceptionally(failure);
            idleCollector.collectWhenIdle(); // start-up leaves much garbage (javac's, JShell's)
        }, "alexlab-start");
        starter.setDaemon(true);
        starter.start();
        iopub.status("starting", null);
    }

    void handle(Channel channel, JupyterMessage request) {
        String type = request.type();
        iopub.status("busy", request);
        JupyterMessage outer = idlePublished.get(); // a request handled within another (abortQueuedCells)
        try {
            if (channel == Channel.CONTROL && !CONTROL_TYPES.contains(type)) {
                replyError(channel, request, "NotOnControl", type + " is not served on the control channel");
                return;
            }
            RequestFields.check(request);
            switch (type) {
                case "kernel_info_request" -> reply(channel, request, "kernel_info_reply", KernelInfo.content());
                case "execute_request" -> {
                    if (abortingQueuedCells)
                        replyAborted(request);
                    else
                        execute(request);
                }
                case "complete_request" -> complete(request);
                case "inspect_request" -> inspect(request);
                case "is_complete_request" -> isComplete(request);
                case "history_request" -> history(request);
                case "comm_info_request" -> {
                    JsonObject content = new JsonObject();
                    content.add("comms", new JsonObject());
                    reply(channel, request, "comm_info_reply", content);
                }
                case "comm_open" -> closeUnknownComm(request);
                case "comm_msg", "comm_close" -> { } // no comm targets yet: nothing to deliver
                case "interrupt_request" -> interrupt(channel, request);
                case "shutdown_request" -> shutdown(channel, request);
                default -> {
                    if (type.endsWith("_request"))
                        replyError(channel, request, "UnknownRequest", "the AlexLab kernel does not handle " + type);
                    else
                        LOG.warning("ignored a message of type " + type);
                }
            }
        } catch (RequestFields.InvalidFieldException badRequest) { // the sender's mistake: no stack trace in the log
            LOG.warning("refused a " + type + ": " + badRequest.getMessage());
            if (type.endsWith("_request")) // other messages (comm_open, ...) get no reply
                replyError(channel, request, "InvalidRequest", badRequest.getMessage());
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "failed to handle " + type, t);
            if (type.endsWith("_request"))
                replyError(channel, request, t.getClass().getSimpleName(), String.valueOf(t.getMessage()));
        } finally {
            flushStreams();
            if (idlePublished.get() != request) // a message that gets no reply, or a reply that failed
                iopub.status("idle", request);
            idlePublished.set(outer);
        }
    }

    private static final List<String> CONTROL_TYPES = List.of(
            "kernel_info_request", "interrupt_request", "shutdown_request", "comm_info_request");

    // ---- execute ------------------------------------------------------------------------------

    private void execute(JupyterMessage request) {
        String code = request.string("code", "");
        boolean silent = request.bool("silent", false);
        boolean storeHistory = !silent && request.bool("store_history", true);
        if (storeHistory)
            executionCount++;
        int count = executionCount;
        if (!silent) {
            JsonObject input = new JsonObject();
            input.addProperty("code", code);
            input.addProperty("execution_count", count);
            iopub.publish("execute_input", input, request);
        }
        iopub.setParent(request);
        iopub.setMuted(silent); // a silent request broadcasts nothing, its prints included
        stdin.beginCell(request, request.bool("allow_stdin", true));
        JsonObject reply = new JsonObject();
        String shownText = null;
        boolean failed = false;
        cellInterrupted = false;
        cellRunning = true;
        try {
            JavaEvaluator java = evaluator();
            java.beginCell();
            java.beforeEachSnippet(() -> restoreStandardStreams(true));
            if (cellInterrupted)
                throw JavaEvaluator.interrupted();
            String helpTopic = helpTopic(code);
            JsonArray payload = new JsonArray();
            Outcome outcome = Outcome.NOTHING;
            if (helpTopic != null)
                payload.add(helpPage(java, helpTopic));
            else
                outcome = new CellRunner(java, magics).run(code, "cell [" + count + "]");
            flushStreams();
            if (outcome.hasValue() && !silent) {
                JsonObject result = java.render(outcome.value());
                result.addProperty("execution_count", count);
                iopub.publish("execute_result", result, request);
                JsonElement text = result.getAsJsonObject("data").get("text/plain");
                shownText = text == null ? null : text.getAsString();
            }
            reply.addProperty("status", "ok");
            reply.addProperty("execution_count", count);
            reply.add("payload", payload);
            reply.add("user_expressions", userExpressions(java, request.content().getAsJsonObject("user_expressions")));
        } catch (CellError e) {
            failed = true;
            flushStreams();
            JsonObject error = errorContent(e.name(), e.getMessage(), e.shownTraceback());
            if (!silent)
                iopub.publish("error", error, request);
            reply = errorContent(e.name(), e.getMessage(), e.shownTraceback());
            reply.addProperty("status", "error");
            reply.addProperty("execution_count", count);
        } finally {
            cellRunning = false;
            noteRestoredStreams();
            stdin.endCell();
            flushStreams();
            iopub.setMuted(false);
        }
        if (storeHistory)
            history.add(count, code, shownText);
        // Cells the frontend queued behind a failed one are taken now, before the reply can prompt new ones.
        List<JupyterMessage> toAbort = failed && !silent && request.bool("stop_on_error", true)
                ? sockets.takeQueuedShellMessages() : List.of();
        sendReply(Channel.SHELL, request, "execute_reply", reply);
        abortQueuedCells(toAbort);
        // After the first cell, not before: that one should not share the CPU with the warm-up.
        if (!compilerWarmUpStarted) {
            compilerWarmUpStarted = true;
            JavaEvaluator java = evaluator.getNow(null); // null when JShell failed to start
            new CompilerWarmUp(() -> cellRunning, WARM_UP_COMPILATIONS, () -> {
                if (java != null)
                    java.dropUnusedClassIndex(); // JShell has built it by now
                idleCollector.collectWhenIdle(); // the garbage of both
            }).start();
        }
        idleCollector.collectWhenIdle();
    }

    /** {@code Math.max?} alone in a cell asks for its documentation in the pager, as in IPython. */
    private static String helpTopic(String code) {
        String c = code.strip();
        return c.endsWith("?") && !c.contains("\n") && !c.startsWith("%") && c.length() > 1
                ? c.substring(0, c.length() - 1).strip() : null;
    }

    private static JsonObject helpPage(JavaEvaluator java, String topic) {
        String doc = java.assist().inspect(topic, topic.length());
        JsonObject data = new JsonObject();
        data.addProperty("text/plain", doc != null ? doc : "No documentation found for " + topic);
        JsonObject page = new JsonObject();
        page.addProperty("source", "page");
        page.add("data", data);
        page.addProperty("start", 0);
        return page;
    }

    /**
     * After a failed cell, the requests the frontend already queued are handled as usual, but their
     * cells are answered "aborted", not run.
     */
    private void abortQueuedCells(List<JupyterMessage> queuedMessages) {
        abortingQueuedCells = true;
        try {
            for (JupyterMessage queued : queuedMessages)
                handle(Channel.SHELL, queued);
        } finally {
            abortingQueuedCells = false;
        }
    }

    private void replyAborted(JupyterMessage request) {
        JsonObject aborted = new JsonObject();
        aborted.addProperty("status", "aborted"); // no execution_count: the cell did not run, as in ipykernel
        reply(Channel.SHELL, request, "execute_reply", aborted);
    }

    private JsonObject userExpressions(JavaEvaluator java, JsonObject expressions) {
        JsonObject results = new JsonObject();
        if (expressions == null)
            return results;
        for (Map.Entry<String, JsonElement> e : expressions.entrySet()) {
            try {
                Outcome value = java.eval(e.getValue().getAsString(), "user expression '" + e.getKey() + "'", 1);
                JsonObject bundle = java.render(value.value());
                bundle.addProperty("status", "ok");
                results.add(e.getKey(), bundle);
            } catch (CellError error) {
                JsonObject failed = errorContent(error.name(), error.getMessage(), error.shownTraceback());
                failed.addProperty("status", "error");
                results.add(e.getKey(), failed);
            }
        }
        return results;
    }

    private JavaEvaluator evaluator() throws CellError {
        try {
            // Wait for JShell to start, but not past an interrupt: a cell sent at once must stop at once.
            while (true) {
                try {
                    return evaluator.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillStarting) {
                    if (cellRunning && cellInterrupted)
                        throw JavaEvaluator.interrupted();
                }
            }
        } catch (CellError interrupted) {
            throw interrupted;
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CellError("KernelStartError", "JShell could not start: " + cause,
                    List.of("JShell could not start: " + cause, "Restart the kernel; if this persists, run ./install.sh setup again."));
        }
    }

    // ---- console help: completion, inspection, completeness, history ------------------------------

    private void complete(JupyterMessage request) throws CellError {
        String code = request.string("code", "");
        int cursor = toCharIndex(code, request.integer("cursor_pos", code.codePointCount(0, code.length())));
        CodeAssist.Completion c = evaluator().assist().complete(code, cursor);
        JsonObject content = new JsonObject();
        JsonArray matches = new JsonArray();
        c.matches().forEach(matches::add);
        content.add("matches", matches);
        content.addProperty("cursor_start", code.codePointCount(0, c.start()));
        content.addProperty("cursor_end", code.codePointCount(0, c.end()));
        content.add("metadata", new JsonObject());
        reply(Channel.SHELL, request, "complete_reply", content);
    }

    private void inspect(JupyterMessage request) throws CellError {
        String code = request.string("code", "");
        int cursor = toCharIndex(code, request.integer("cursor_pos", code.codePointCount(0, code.length())));
        String doc = evaluator().assist().inspect(code, cursor);
        JsonObject content = new JsonObject();
        content.addProperty("found", doc != null);
        JsonObject data = new JsonObject();
        if (doc != null)
            data.addProperty("text/plain", doc);
        content.add("data", data);
        content.add("metadata", new JsonObject());
        reply(Channel.SHELL, request, "inspect_reply", content);
    }

    private void isComplete(JupyterMessage request) throws CellError {
        CodeAssist.Readiness r = evaluator().assist().isComplete(request.string("code", ""));
        JsonObject content = new JsonObject();
        content.addProperty("status", r.status());
        if (r.status().equals("incomplete"))
            content.addProperty("indent", r.indent());
        reply(Channel.SHELL, request, "is_complete_reply", content);
    }

    private void history(JupyterMessage request) {
        boolean output = request.bool("output", false);
        JsonArray entries = switch (request.string("hist_access_type", "tail")) {
            case "range" -> history.range(request.integer("session", 0), request.integer("start", 0),
                    request.integer("stop", 0), output);
            case "search" -> history.search(request.string("pattern", "*"), request.integer("n", 0),
                    request.bool("unique", false), output);
            default -> history.tail(request.integer("n", 10), output);
        };
        JsonObject content = new JsonObject();
        content.add("history", entries);
        reply(Channel.SHELL, request, "history_reply", content);
    }

    private static int toCharIndex(String code, int codePoints) {
        int cp = Math.max(0, Math.min(codePoints, code.codePointCount(0, code.length())));
        return code.offsetByCodePoints(0, cp);
    }

    // ---- control --------------------------------------------------------------------------------

    /**
     * Kernel &gt; Interrupt stops the running cell (see {@link JavaEvaluator#interrupt}). While no cell
     * runs it does nothing: threads that earlier cells started on purpose keep running, as in IPython.
     */
    private void interrupt(Channel channel, JupyterMessage request) {
        if (cellRunning) {
            cellInterrupted = true; // also stops a cell still waiting for JShell to start
            JavaEvaluator java = evaluator.getNow(null);
            if (java != null)
                java.interrupt();
        }
        reply(channel, request, "interrupt_reply", new JsonObject());
    }

    private void shutdown(Channel channel, JupyterMessage request) {
        JsonObject content = new JsonObject();
        content.addProperty("restart", request.bool("restart", false));
        reply(channel, request, "shutdown_reply", content);
        Thread exit = new Thread(() -> {
            sockets.drainIopub(1000);
            sockets.close();
            ExitGuard.allowKernelExit();
            Runtime.getRuntime().halt(0); // user threads or shutdown hooks must not keep a dead kernel alive
        }, "alexlab-shutdown");
        exit.start();
    }

    private void closeUnknownComm(JupyterMessage request) {
        JsonObject content = new JsonObject();
        content.addProperty("comm_id", request.string("comm_id", ""));
        content.add("data", new JsonObject());
        iopub.publish("comm_close", content, request);
    }

    // ---- the notebook functions (display, updateDisplay, clearOutput, input) ----------------------

    @Override
    public void display(String displayId, Object value, boolean update) {
        flushStreams(); // what was printed before shows before the picture
        JsonObject content = Notebook.renderers().bundle(value);
        JsonObject transientPart = new JsonObject();
        transientPart.addProperty("display_id", displayId);
        content.add("transient", transientPart);
        iopub.publish(update ? "update_display_data" : "display_data", content);
    }

    @Override
    public void clearOutput(boolean wait) {
        flushStreams();
        JsonObject content = new JsonObject();
        content.addProperty("wait", wait);
        iopub.publish("clear_output", content);
    }

    @Override
    public String input(String prompt, boolean password) {
        try {
            flushStreams();
            return stdin.readLine(prompt, password);
        } catch (IOException e) {
            return null;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /**
     * A cell that replaced System.out, System.err or System.in (System.setOut(null), say) would leave
     * every later cell without output or input: at the end of the cell the kernel's own streams are
     * put back, and the cell is told so. A stream set to null is put back before the cell's next
     * snippet already, since javac itself needs System.err; one replaced by another stream stays
     * until the cell ends (a cell may capture its own output on purpose).
     */
    private void restoreStandardStreams(boolean nullOnly) {
        if (System.out != out && (System.out == null || !nullOnly)) {
            System.setOut(out);
            replacedStreams.add("System.out");
        }
        if (System.err != err && (System.err == null || !nullOnly)) {
            System.setErr(err);
            replacedStreams.add("System.err");
        }
        if (System.in != stdin && (System.in == null || !nullOnly)) {
            System.setIn(stdin);
            replacedStreams.add("System.in");
        }
    }

    private void noteRestoredStreams() {
        restoreStandardStreams(false);
        if (!replacedStreams.isEmpty())
            err.println("note: this cell replaced " + String.join(", ", replacedStreams)
                    + "; the kernel has put back its own, so that later cells can print and read");
        replacedStreams.clear();
    }

    private void flushStreams() {
        out.flush(); // through the PrintStream: it may hold characters not yet encoded
        err.flush();
        stdout.flush();
        stderr.flush();
    }

    private void reply(Channel channel, JupyterMessage request, String type, JsonObject content) {
        if (!content.has("status"))
            content.addProperty("status", "ok");
        sendReply(channel, request, type, content);
    }

    /**
     * The request's idle status, every IOPub message before it, then the reply. A client that reads the
     * reply first finds the rest waiting, however busy the machine is. And a notebook server that opens
     * a browser's connection right after a kernel_info_reply sees the kernel idle, so it checks the
     * browser's IOPub subscription first (its "nudge", skipped for a busy kernel) instead of letting
     * the first messages go to a subscription that is not there yet.
     */
    private void sendReply(Channel channel, JupyterMessage request, String type, JsonObject content) {
        flushStreams();
        iopub.status("idle", request);
        idlePublished.set(request);
        sockets.drainIopub(200);
        sockets.reply(channel, JupyterMessage.create(sockets.session(), type, request, content));
    }

    private void replyError(Channel channel, JupyterMessage request, String name, String message) {
        JsonObject content = errorContent(name, message, List.of(name + ": " + message));
        content.addProperty("status", "error");
        String type = request.type().endsWith("_request")
                ? request.type().substring(0, request.type().length() - "_request".length()) + "_reply"
                : request.type() + "_reply";
        sendReply(channel, request, type, content);
    }

    private static JsonObject errorContent(String name, String message, List<String> traceback) {
        JsonObject error = new JsonObject();
        error.addProperty("ename", name);
        error.addProperty("evalue", message == null ? "" : message);
        JsonArray lines = new JsonArray();
        traceback.forEach(lines::add);
        error.add("traceback", lines);
        return error;
    }
}
