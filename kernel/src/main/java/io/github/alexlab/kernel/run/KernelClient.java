package io.github.alexlab.kernel.run;

import com.google.gson.JsonObject;
import io.github.alexlab.kernel.KernelSpec;
import io.github.alexlab.kernel.wire.JupyterMessage;
import io.github.alexlab.kernel.wire.MessageCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A kernel of our own, started as Jupyter starts it (the kernelspec's command, a connection file),
 * and a client that talks to it over the Jupyter protocol as a notebook frontend does. The notebook
 * runner needs no Python and no Jupyter, and its results are the kernel's own by construction.
 */
final class KernelClient implements AutoCloseable {
    /** What one cell produced: the shell reply's content and the IOPub messages it caused, in order. */
    record Execution(JsonObject reply, List<JupyterMessage> messages, boolean timedOut, boolean interrupted) {}

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** After an interrupt, how long a cell may take to end before the kernel is given up on. */
    private static final Duration AFTER_INTERRUPT = Duration.ofSeconds(30);

    private final Process process;
    private final Path folder;
    private final ZContext context = new ZContext();
    private final ZMQ.Socket shell, control, iopub;
    private final MessageCodec codec;
    private final String session = UUID.randomUUID().toString();

    /** Starts a kernel in {@code workingFolder} (where Jupyter starts a notebook's kernel: beside it). */
    KernelClient(Path workingFolder) throws IOException {
        folder = Files.createTempDirectory("alexlab-run-");
        String key = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        codec = new MessageCodec("hmac-sha256", key);
        int[] ports = freePorts(5);
        JsonObject connection = new JsonObject();
        connection.addProperty("transport", "tcp");
        connection.addProperty("ip", "127.0.0.1");
        connection.addProperty("shell_port", ports[0]);
        connection.addProperty("iopub_port", ports[1]);
        connection.addProperty("stdin_port", ports[2]);
        connection.addProperty("control_port", ports[3]);
        connection.addProperty("hb_port", ports[4]);
        connection.addProperty("key", key);
        connection.addProperty("signature_scheme", "hmac-sha256");
        connection.addProperty("kernel_name", "alexlab");
        Path connectionFile = folder.resolve("kernel.json");
        Files.writeString(connectionFile, connection.toString());

        List<String> command = new ArrayList<>(KernelSpec.command(connectionFile.toString()));
        // The runner's own settings reach the kernel (the bundle's -Dalexlab.datasets, say).
        System.getProperties().stringPropertyNames().stream().filter(p -> p.startsWith("alexlab.")).sorted()
                .forEach(p -> command.add(1, "-D" + p + "=" + System.getProperty(p)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingFolder.toFile())
                .redirectOutput(folder.resolve("kernel-output.txt").toFile())
                .redirectError(folder.resolve("kernel-log.txt").toFile());
        KernelSpec.DEFAULT_ENV.forEach(builder.environment()::putIfAbsent);
        process = builder.start();

        shell = connect(SocketType.DEALER, ports[0]);
        control = connect(SocketType.DEALER, ports[3]);
        iopub = connect(SocketType.SUB, ports[1]);
        iopub.subscribe(new byte[0]);
    }

    private ZMQ.Socket connect(SocketType type, int port) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        socket.connect("tcp://127.0.0.1:" + port);
        return socket;
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>(); // held open together, so that the five differ
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held)
                s.close();
        }
        return ports;
    }

    /**
     * Waits until the kernel answers on its shell channel and its IOPub messages reach us (a
     * subscription takes a moment to arrive): kernel_info_request until both are seen.
     */
    void waitUntilReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive())
                throw new IOException("the kernel ended while starting (exit code " + process.exitValue() + "): "
                        + lastLines(folder.resolve("kernel-log.txt"), 20));
            JupyterMessage request = send(shell, "kernel_info_request", new JsonObject());
            boolean replied = false, published = false;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until && !(replied && published)) {
                JupyterMessage m = receive(shell, 20);
                replied |= m != null && m.parentId().equals(request.id());
                m = receive(iopub, 20);
                published |= m != null && m.parentId().equals(request.id());
            }
            if (replied && published) {
                waitForJShell(deadline);
                return;
            }
        }
        throw new IOException("the kernel did not answer within " + START_TIMEOUT.toSeconds() + " s");
    }

    /**
     * The kernel answers at once but starts JShell and ND4J in the background, a few seconds: a
     * silent empty cell (no output, no execution count) waits for them, so that the first cell's
     * time, and its timeout, are its own.
     */
    private void waitForJShell(long deadline) throws IOException {
        JsonObject content = new JsonObject();
        content.addProperty("code", "");
        content.addProperty("silent", true);
        content.addProperty("store_history", false);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", false);
        JupyterMessage request = send(shell, "execute_request", content);
        while (System.nanoTime() < deadline) {
            JupyterMessage m = receive(shell, 100);
            if (m != null && m.parentId().equals(request.id()))
                return;
            if (!process.isAlive())
                throw new IOException("the kernel ended while starting (exit code " + process.exitValue() + "): "
                        + lastLines(folder.resolve("kernel-log.txt"), 20));
        }
        throw new IOException("the kernel's JShell did not start within " + START_TIMEOUT.toSeconds() + " s");
    }

    /**
     * Runs one cell. Past {@code timeout} the cell is interrupted (as Kernel &gt; Interrupt does), and
     * so it is when {@code stopAsked} turns true (Ctrl-C); either way its reply and output are kept.
     */
    Execution execute(String code, Duration timeout, BooleanSupplier stopAsked) throws IOException {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        content.addProperty("silent", false);
        content.addProperty("store_history", true);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", false); // no one to answer input(): it gets an error at once
        content.addProperty("stop_on_error", true);
        JupyterMessage request = send(shell, "execute_request", content);
        List<JupyterMessage> messages = new ArrayList<>();
        JsonObject reply = null;
        boolean idle = false, timedOut = false, interrupted = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        long giveUp = Long.MAX_VALUE;
        while (reply == null || !idle) {
            JupyterMessage m = receive(iopub, 20);
            if (m != null && m.parentId().equals(request.id())) {
                if (m.type().equals("status"))
                    idle |= "idle".equals(m.string("execution_state", ""));
                else
                    messages.add(m);
            }
            m = receive(shell, reply == null ? 20 : 0);
            if (m != null && m.parentId().equals(request.id()))
                reply = m.content();
            long now = System.nanoTime();
            if (!interrupted && (now > deadline || stopAsked.getAsBoolean())) {
                timedOut = now > deadline;
                interrupted = true;
                send(control, "interrupt_request", new JsonObject());
                giveUp = now + AFTER_INTERRUPT.toNanos();
            }
            if (now > giveUp || !process.isAlive())
                throw new IOException(process.isAlive()
                        ? "the cell did not stop within " + AFTER_INTERRUPT.toSeconds() + " s of an interrupt"
                        : "the kernel ended (exit code " + process.exitValue() + "): "
                        + lastLines(folder.resolve("kernel-log.txt"), 20));
        }
        return new Execution(reply, messages, timedOut, interrupted);
    }

    private JupyterMessage send(ZMQ.Socket socket, String type, JsonObject content) {
        JupyterMessage message = JupyterMessage.create(session, type, null, content);
        ZMsg frames = new ZMsg();
        codec.encode(message).forEach(frames::add);
        frames.send(socket);
        return message;
    }

    /** The next message on {@code socket}, or null after {@code waitMs}; one that fails its signature is dropped. */
    private JupyterMessage receive(ZMQ.Socket socket, int waitMs) {
        socket.setReceiveTimeOut(waitMs);
        ZMsg frames = ZMsg.recvMsg(socket, waitMs == 0 ? ZMQ.DONTWAIT : 0);
        if (frames == null)
            return null;
        List<byte[]> parts = new ArrayList<>();
        frames.forEach(f -> parts.add(f.getData()));
        try {
            return codec.decode(parts);
        } catch (MessageCodec.InvalidMessageException e) {
            return null;
        }
    }

    /** The kernel's log (what it wrote to stderr), for a report when something went wrong. */
    String log() {
        return lastLines(folder.resolve("kernel-log.txt"), 40);
    }

    private static String lastLines(Path file, int count) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Asks the kernel to shut down, as Jupyter does; ends it by force if it has not gone in 10 s. */
    @Override
    public void close() {
        try {
            JsonObject content = new JsonObject();
            content.addProperty("restart", false);
            send(control, "shutdown_request", content);
            if (!process.waitFor(10, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            context.close();
            try (var files = Files.list(folder)) {
                for (Path f : files.toList())
                    Files.deleteIfExists(f);
                Files.deleteIfExists(folder);
            } catch (IOException ignored) {
                // a temporary folder left behind is harmless
            }
        }
    }
}
