package io.github.alexlab.kernel.eval;

import com.google.gson.JsonObject;
import io.github.alexlab.kernel.Notebook;
import io.github.alexlab.train.HeedsInterrupts;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.spi.ExecutionControl;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates Java cells with JShell, in this JVM, one snippet at a time.
 * <p>
 * A cell is cut into snippets; each is compiled and run in order and the first failure stops the
 * cell. The value of a cell is the value of its last snippet when that is an expression; it is the
 * live object, not a string, so the kernel can draw it.
 */
public final class JavaEvaluator implements AutoCloseable {
    /** What a cell produced: a value (possibly null) when it ended with an expression. */
    public record Outcome(boolean hasValue, Object value) {
        public static final Outcome NOTHING = new Outcome(false, null);
    }

    /**
     * Heap held back for the cells after an OutOfMemoryError: compiling even {@code hog = null;}
     * needs some room. The serial collector (see the JVM flags) has no overhead limit to trip over,
     * so a small reserve does; it is resident memory in every kernel, all the time.
     */
    private static final int HEAP_RESERVE_BYTES = 8 << 20;

    /** Empties JShell's index of class names, which the kernel never reads (see {@link JShellClassIndex}). */
    public void dropUnusedClassIndex() {
        JShellClassIndex.dropClassNames(analysis);
    }

    SourceCodeAnalysis analysis() { // for tests
        return analysis;
    }

    /** Ten times a very large notebook cell: a larger one is refused rather than compiled for hours. */
    static final int MAX_CELL_CHARACTERS = 1_000_000;

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final LiveResultExecutionControl engine;
    private final CodeAssist assist;
    private final Map<String, CellErrors.Origin> origins = new ConcurrentHashMap<>();
    // The snippet behind each wrapper class ("REPL.$JShell$38"), for frames of threads a cell started;
    // guarded by itself (a dying thread may wait on it for its snippet).
    private final Map<String, Snippet> snippetsByClass = new HashMap<>();
    private volatile boolean stopRequested;
    private Runnable beforeEachSnippet = () -> {};
    // Freed when a cell exhausts the heap, so that the kernel itself still has room to answer.
    private byte[] heapReserve = new byte[HEAP_RESERVE_BYTES];

    public JavaEvaluator(List<String> startupSnippets) {
        LiveResultExecutionControl.Provider provider = new LiveResultExecutionControl.Provider();
        this.shell = JShell.builder().executionEngine(provider, Map.of()).build();
        this.engine = provider.control();
        engine.describeThreadErrorsWith(thrown -> CellErrors.threadError(thrown, this::asCellFrames, origins));
        this.analysis = shell.sourceCodeAnalysis();
        this.assist = new CodeAssist(analysis);
        // Cells compile against everything the kernel itself runs with (our library, ND4J, ...).
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator))
            if (!entry.isBlank())
                shell.addToClasspath(entry);
        ExitGuard.guardCells();
        for (String snippet : startupSnippets) {
            try {
                eval(snippet, "startup", 1);
            } catch (CellError e) {
                throw new IllegalStateException("start-up snippet failed: " + snippet + ": " + e.getMessage());
            }
        }
    }

    public CodeAssist assist() {
        return assist;
    }

    /** Adds a jar or folder to what cells compile and run against. */
    public void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    /**
     * Runs a cell. {@code cellLabel} (e.g. "cell [4]") and {@code firstLine} (the cell line where
     * this code starts) are what errors point to.
     */
    public Outcome eval(String code, String cellLabel, int firstLine) throws CellError {
        if (code.length() > MAX_CELL_CHARACTERS)
            throw cellTooLarge(code.length(), cellLabel);
        restoreHeapReserve();
        Outcome outcome = Outcome.NOTHING;
        int pieceLine = firstLine, lineCountedTo = 0; // counted on from piece to piece: a cell is read once
        Iterator<SnippetSplitter.Piece> pieces = SnippetSplitter.pieces(analysis, code).iterator();
        while (pieces.hasNext()) {
            SnippetSplitter.Piece piece = pieces.next();
            if (stopRequested)
                throw interrupted();
            pieceLine += lineOf(code, lineCountedTo, piece.start()) - 1;
            lineCountedTo = piece.start();
            beforeEachSnippet.run();
            List<SnippetEvent> events = shell.eval(piece.source());
            if (events.isEmpty()) // JShell gives up without a word when its compiler fails, e.g. on a full heap
                throw new CellError("CompilerError", "the cell could not be compiled", List.of(
                        "CompilerError: the Java compiler failed on " + cellLabel + " without a diagnostic.",
                        "If the Java heap is nearly full, set variables that hold big data to null (or restart",
                        "the kernel), then run the cell again."));
            outcome = Outcome.NOTHING;
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null)
                    continue; // an earlier declaration updated because of this one
                Snippet snippet = event.snippet();
                origins.put(snippet.id(), new CellErrors.Origin(cellLabel, pieceLine));
                if (event.status() == Snippet.Status.REJECTED)
                    throw withLaterErrors(CellErrors.compileError(shell.diagnostics(snippet).toList(),
                            code, piece.start(), cellLabel), code, laterPieces(pieces), cellLabel);
                synchronized (snippetsByClass) { // a thread this snippet started may be waiting for it
                    snippetsByClass.put(analysis.wrapper(snippet).fullClassName(), snippet);
                    snippetsByClass.notifyAll();
                }
                // Before anything is thrown: a failed expression's $N would otherwise stay, and be
                // imported into every later snippet for good.
                Object value = engine.lastValue();
                forgetTemporaryVariable(snippet);
                if (stopRequested)
                    throw interrupted();
                if (event.exception() != null)
                    throw runtimeError(event.exception());
                if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                        || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)
                    System.err.println("note: " + describe(snippet) + " was declared, but cannot be used until "
                            + String.join(", ", shell.unresolvedDependencies((DeclarationSnippet) snippet).toList())
                            + " is declared");
                // As in IPython, a final ';' hides the value: `display(x);` shows x, not its id.
                if (isValue(snippet) && !code.substring(piece.start(), piece.end()).stripTrailing().endsWith(";"))
                    outcome = new Outcome(true, value);
            }
        }
        if (stopRequested)
            throw interrupted();
        return outcome;
    }

    /** Runs {@code action} before each snippet is compiled and run (the kernel restores streams set to null). */
    public void beforeEachSnippet(Runnable action) {
        beforeEachSnippet = action;
    }

    /** Compiles a statement without running or keeping it: as the body of a method that is dropped at once. */
    private static final String CHECK_METHOD = "void alexlab$check() {\n";

    /**
     * A cell stops at its first snippet that does not compile; the student sees the errors of its
     * later statements too, those that do not depend on the failed one. Each later statement is
     * compiled as the body of a method that is dropped at once: nothing runs and nothing is kept.
     * A name the statement cannot find (most often one the failed snippet would have declared)
     * does not count: JShell accepts such a method as waiting for that name.
     */
    private CellError withLaterErrors(CellError first, String code, List<SnippetSplitter.Piece> later, String cellLabel) {
        List<String> traceback = new ArrayList<>(first.traceback());
        for (SnippetSplitter.Piece piece : later) {
            List<Snippet> parsed = analysis.sourceToSnippets(piece.source());
            Snippet.Kind kind = parsed.size() == 1 ? parsed.get(0).kind() : null;
            if (kind != Snippet.Kind.VAR && kind != Snippet.Kind.STATEMENT)
                continue; // declarations of methods and classes cannot be compiled alone without keeping them
            for (SnippetEvent event : shell.eval(CHECK_METHOD + piece.source() + "\n}")) {
                Snippet check = event.snippet();
                if (event.status() == Snippet.Status.REJECTED) {
                    List<Diag> errors = shell.diagnostics(check)
                            .filter(d -> !d.getCode().startsWith("compiler.err.cant.resolve")).toList();
                    if (!errors.isEmpty())
                        traceback.addAll(CellErrors.compileError(errors, code,
                                piece.start() - CHECK_METHOD.length(), cellLabel).traceback());
                } else if (event.causeSnippet() == null) {
                    shell.drop(check);
                }
            }
        }
        return new CellError(first.name(), first.getMessage(), traceback);
    }

    /** Later statements checked for errors of their own: enough for any cell a person writes, not a generated one. */
    private static final int LATER_STATEMENTS_CHECKED = 50;

    private static List<SnippetSplitter.Piece> laterPieces(Iterator<SnippetSplitter.Piece> rest) {
        List<SnippetSplitter.Piece> later = new ArrayList<>();
        while (rest.hasNext() && later.size() < LATER_STATEMENTS_CHECKED)
            later.add(rest.next());
        return later;
    }

    /** A new cell starts: forget an interrupt aimed at the previous one. */
    public void beginCell() {
        stopRequested = false;
        engine.clearStop();
    }

    /**
     * How long a cell may take to end by itself after Kernel &gt; Interrupt before it is stopped by
     * force. Code that heeds the interrupt (Thread.sleep, input, the Trainer between two steps)
     * ends cleanly within it and keeps its result; a forced stop lands anywhere, even halfway
     * through an optimizer step, and loses the value the cell was computing.
     */
    public static final Duration INTERRUPT_GRACE = Duration.ofMillis(1500);

    /**
     * Stops the running cell (called from another thread: the kernel's control channel). First
     * gently: the cell thread is interrupted. If it still runs after {@link #INTERRUPT_GRACE} (or,
     * for code marked with {@link HeedsInterrupts}, after its last safe point, up to
     * {@link HeedsInterrupts#LIMIT}), JShell stops it, and with it the threads the cell started
     * (JDK 17 stops them; JDK 20+ ends cell code at its next stop check).
     */
    public void interrupt() {
        stopRequested = true;
        Thread cell = engine.interruptCellThread();
        if (cell == null)
            return; // compiling, or between two snippets: the flags stop the cell
        Thread enforcer = new Thread(() -> {
            try {
                cell.join(INTERRUPT_GRACE.toMillis());
                long limit = System.nanoTime() + HeedsInterrupts.LIMIT.toNanos();
                while (cell.isAlive() && HeedsInterrupts.isHeeding(cell) && System.nanoTime() < limit)
                    cell.join(50);
            } catch (InterruptedException e) {
                return;
            }
            if (cell.isAlive())
                shell.stop();
        }, "alexlab-interrupt");
        enforcer.setDaemon(true);
        enforcer.start();
    }

    /** The names the cells' live declarations (methods, variables, classes) give. */
    public List<String> declaredNames() {
        return shell.snippets().filter(s -> s instanceof DeclarationSnippet && shell.status(s).isActive())
                .map(s -> ((DeclarationSnippet) s).name()).toList();
    }

    /**
     * The MIME bundle of a cell's value. Rendering calls the value's own code (toString, a
     * renderer), so it runs on a cell thread, where an interrupt can stop it.
     */
    public JsonObject render(Object value) throws CellError {
        try {
            return (JsonObject) engine.callOnCellThread(() -> Notebook.renderers().bundle(value));
        } catch (ExecutionControl.StoppedException e) {
            throw interrupted();
        } catch (ExecutionControl.UserException | ExecutionControl.InternalException e) {
            throw new CellError("RenderError", e.getMessage(), List.of("RenderError: the value could not be shown: " + e.getMessage()));
        }
    }

    private CellError runtimeError(JShellException e) {
        if (e instanceof EvalException ee && ee.getExceptionClassName().equals("java.lang.OutOfMemoryError")) {
            heapReserve = null;
            System.gc();
            CellError base = CellErrors.runtimeError(e, origins);
            List<String> lines = new ArrayList<>(base.traceback());
            long maxMiB = Runtime.getRuntime().maxMemory() >> 20;
            lines.add("");
            lines.add("The Java heap (at most " + maxMiB + " MiB) is full. The kernel is still running.");
            lines.add("Whatever a variable still refers to stays in memory: set such a variable to null");
            lines.add("(or give it a smaller value) to free its memory, or restart the kernel.");
            return new CellError(base.name(), base.getMessage(), lines);
        }
        return CellErrors.runtimeError(e, origins);
    }

    public static CellError interrupted() {
        return new CellError("Interrupted", "the cell was interrupted",
                List.of("Interrupted: the cell was stopped (Kernel > Interrupt); its later statements did not run."));
    }

    private void restoreHeapReserve() {
        // Not while the heap is still nearly full (the variable that filled it is set to null in
        // this very cell, say): the room is what lets this cell compile at all.
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - rt.totalMemory() + rt.freeMemory();
        if (heapReserve == null && available > 4L * HEAP_RESERVE_BYTES) {
            try {
                heapReserve = new byte[HEAP_RESERVE_BYTES];
            } catch (OutOfMemoryError stillFull) {
                // stays null; the next cell tries again
            }
        }
    }

    /**
     * JShell keeps every expression's value as a variable ($1, $2, ...) and imports all of them
     * into every later snippet, so each cell would compile slower than the one before. We hold the
     * live value ourselves, so the variable can go at once: a value to keep gets a name
     * ({@code var x = ...}).
     */
    private void forgetTemporaryVariable(Snippet s) {
        if (s.kind() == Snippet.Kind.VAR && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND)
            shell.drop(s);
    }

    private static boolean isValue(Snippet s) {
        return s.kind() == Snippet.Kind.EXPRESSION
                || (s.kind() == Snippet.Kind.VAR && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    private static String describe(Snippet s) {
        return s instanceof DeclarationSnippet d ? d.name() : s.source().strip();
    }

    private static final Pattern WRAPPER_CLASS = Pattern.compile("^REPL\\.\\$JShell\\$\\d+[A-Z]*");

    /**
     * Frames as JShell reports them for a cell's own exception: a frame of cell code gets the file
     * name "#id" and the line within its snippet. The frames of a thread that a cell started come
     * raw, with a line of JShell's wrapper class. Reads only what JShell fixed when it compiled the
     * snippet, so it is safe on any thread, while another cell runs.
     */
    private StackTraceElement[] asCellFrames(StackTraceElement[] raw) {
        StackTraceElement[] frames = raw.clone();
        long deadline = System.nanoTime() + SNIPPET_WAIT.toNanos();
        for (int i = 0; i < frames.length; i++) {
            StackTraceElement f = frames[i];
            Matcher wrapper = WRAPPER_CLASS.matcher(f.getClassName());
            Snippet snippet = wrapper.find() ? snippetOf(wrapper.group(), deadline) : null;
            if (snippet == null || f.getLineNumber() < 1)
                continue;
            SourceCodeAnalysis.SnippetWrapper wrap = analysis.wrapper(snippet);
            String wrapped = wrap.wrapped();
            int at = 0;
            for (int line = 1; line < f.getLineNumber() && at >= 0; line++)
                at = wrapped.indexOf('\n', at) + 1;
            while (at > 0 && at < wrapped.length() && Character.isWhitespace(wrapped.charAt(at)))
                at++;
            int inSnippet = at > 0 ? wrap.wrappedToSourcePosition(at) : -1;
            int line = inSnippet < 0 ? 1 : lineOf(snippet.source(), inSnippet);
            frames[i] = new StackTraceElement(f.getClassName(), f.getMethodName(), "#" + snippet.id(), line);
        }
        return frames;
    }

    /**
     * A thread can die before JShell has even returned the snippet that started it: its snippet is
     * then waited for, as long as the snippet takes to finish but no longer than this.
     */
    private static final Duration SNIPPET_WAIT = Duration.ofSeconds(2);

    private Snippet snippetOf(String wrapperClass, long deadline) {
        synchronized (snippetsByClass) {
            Snippet snippet;
            while ((snippet = snippetsByClass.get(wrapperClass)) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0)
                    return null; // shown as JShell's raw frame
                try {
                    snippetsByClass.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return snippet;
        }
    }

    /** Which line of {@code code} the character at {@code offset} is on, counting from 1. */
    static int lineOf(String code, int offset) {
        return lineOf(code, 0, offset);
    }

    /** The line of {@code offset}, counting the line of {@code from} as 1. */
    private static int lineOf(String code, int from, int offset) {
        int line = 1;
        for (int i = from; i < offset && i < code.length(); i++)
            if (code.charAt(i) == '\n')
                line++;
        return line;
    }

    private static CellError cellTooLarge(int length, String cellLabel) {
        String message = String.format("%s has %,d characters; a cell may have at most %,d", cellLabel, length,
                MAX_CELL_CHARACTERS);
        return new CellError("CellTooLarge", message, List.of(
                "CellTooLarge: " + message + ".",
                "JShell compiles a cell statement by statement, so one this large would keep the kernel busy for",
                "hours. Read large data from a file, and put a large program in a .java file or a jar (%classpath)."));
    }

    /**
     * {@code code} as statements: when it ends with an expression, that expression is passed to
     * {@code consumer} (a static method) so that it can be the body of a lambda. Nothing runs.
     */
    public String consumeTrailingExpression(String code, String consumer) {
        List<SnippetSplitter.Piece> pieces = SnippetSplitter.split(analysis, code);
        if (pieces.isEmpty())
            return code;
        SnippetSplitter.Piece last = pieces.get(pieces.size() - 1);
        if (code.substring(last.start(), last.end()).stripTrailing().endsWith(";"))
            return code; // the author ended it as a statement
        // Names declared earlier in the body are unknown until it runs, so such an expression parses
        // as ERRONEOUS rather than EXPRESSION: anything that is not a declaration or statement counts.
        List<Snippet> parsed = analysis.sourceToSnippets(last.source());
        Snippet.Kind kind = parsed.size() == 1 ? parsed.get(0).kind() : null;
        boolean isExpression = kind == Snippet.Kind.EXPRESSION || kind == Snippet.Kind.ERRONEOUS
                || (kind == Snippet.Kind.VAR && parsed.get(0).subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
        if (!isExpression)
            return code;
        String expression = last.source().strip();
        if (expression.endsWith(";"))
            expression = expression.substring(0, expression.length() - 1);
        return code.substring(0, last.start()) + consumer + "(" + expression + ");" + code.substring(last.end());
    }

    /** How a cell is cut into snippets (for tests). */
    List<SnippetSplitter.Piece> pieces(String cell) {
        return SnippetSplitter.split(analysis, cell);
    }

    @Override
    public void close() {
        shell.close();
    }
}
