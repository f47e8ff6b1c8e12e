package io.github.alexlab.kernel.wire;

import com.google.gson.JsonObject;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The five Jupyter sockets, bound to exactly the address in the connection file.
 * <p>
 * Each socket is used by one kernel thread only: shell, control, stdin and heartbeat each have their
 * own loop, and IOPub messages go through a queue to one sender thread. User code never touches a
 * ZeroMQ socket, so interrupting or stopping a cell (which interrupts its threads) cannot break one.
 */
public final class KernelSockets implements AutoCloseable {
    public enum Channel { SHELL, CONTROL }

    private static final Logger LOG = Logger.getLogger("alexlab.wire");
    private static final int POLL_MS = 100;
    private static final JupyterMessage STOP = JupyterMessage.create("", "stop", null, new JsonObject());

    private final ZContext context = new ZContext(1);
    private final MessageCodec codec;
    private final ZMQ.Socket shell, control, stdin, iopub, heartbeat;
    private final BlockingQueue<JupyterMessage> outgoing = new LinkedBlockingQueue<>();
    /** Messages queued for IOPub, and how many of them ZeroMQ has taken: drainIopub waits for the second. */
    private final AtomicLong iopubQueued = new AtomicLong(), iopubSent = new AtomicLong();
    private final BlockingQueue<InputWait> inputWaits = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile Thread shellThread, controlThread;
    private final String session = UUID.randomUUID().toString();

    public KernelSockets(KernelConnectionProperties connection) {
        this.codec = new MessageCodec(connection.getSignatureScheme(), connection.getKey());
        this.shell = bind(SocketType.ROUTER, connection, connection.getShellPort());
        this.control = bind(SocketType.ROUTER, connection, connection.getControlPort());
        this.stdin = bind(SocketType.ROUTER, connection, connection.getStdinPort());
        this.iopub = bind(SocketType.PUB, connection, connection.getIopubPort());
        this.heartbeat = bind(SocketType.REP, connection, connection.getHbPort());
    }

    private ZMQ.Socket bind(SocketType type, KernelConnectionProperties c, int port) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(1000);
        socket.setReceiveTimeOut(POLL_MS);
        String address = "ipc".equals(c.getTransport())
                ? "ipc://" + c.getIp() + "-" + port
                : c.getTransport() + "://" + c.getIp() + ":" + port;
        socket.bind(address);
        return socket;
    }

    /** This kernel's session id, the {@code session} of every message it sends. */
    public String session() {
        return session;
    }

    /** Starts the loops; handlers run on the shell and control threads, one message at a time each. */
    public void start(BiConsumer<Channel, JupyterMessage> handler) {
        shellThread = startLoop("alexlab-shell", () -> serve(shell, Channel.SHELL, handler));
        controlThread = startLoop("alexlab-control", () -> serve(control, Channel.CONTROL, handler));
        startLoop("alexlab-iopub", this::sendIopub);
        startLoop("alexlab-stdin", this::serveStdin);
        startLoop("alexlab-heartbeat", this::echoHeartbeats);
    }

    private Thread startLoop(String name, Runnable loop) {
        Thread t = new Thread(loop, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    private void serve(ZMQ.Socket socket, Channel channel, BiConsumer<Channel, JupyterMessage> handler) {
        while (running) {
            JupyterMessage message = null;
            try {
                message = receive(socket, 0);
                if (message != null)
                    handler.accept(channel, message);
            } catch (Throwable t) { // an OutOfMemoryError or a bug must not end the loop: the kernel keeps serving
                LOG.log(Level.SEVERE, "error while handling " + (message == null ? "a message" : message.type())
                        + " on " + channel, t);
            }
        }
    }

    /** Receives and authenticates one message, or returns null (timeout, or a refused message). */
    private JupyterMessage receive(ZMQ.Socket socket, int flags) {
        ZMsg raw = ZMsg.recvMsg(socket, flags);
        if (raw == null)
            return null;
        List<byte[]> frames = new ArrayList<>(raw.size());
        for (ZFrame f : raw)
            frames.add(f.getData());
        raw.destroy();
        try {
            return codec.decode(frames);
        } catch (MessageCodec.InvalidMessageException refused) {
            LOG.warning("refused a message: " + refused.getMessage());
            return null;
        }
    }

    /** Messages already waiting on the shell socket, taken without blocking (used to abort queued cells). */
    public List<JupyterMessage> takeQueuedShellMessages() {
        requireThread(shellThread, Channel.SHELL);
        List<JupyterMessage> queued = new ArrayList<>();
        for (JupyterMessage m; (m = receive(shell, ZMQ.DONTWAIT)) != null; )
            queued.add(m);
        return queued;
    }

    /** Sends a reply on the channel the request came from; only that channel's thread may call this. */
    public void reply(Channel channel, JupyterMessage message) {
        requireThread(channel == Channel.SHELL ? shellThread : controlThread, channel);
        send(channel == Channel.SHELL ? shell : control, message);
    }

    private static void requireThread(Thread owner, Channel channel) {
        if (Thread.currentThread() != owner)
            throw new IllegalStateException("only the " + channel + " thread may use the " + channel + " socket");
    }

    /** Queues a message for IOPub; callable from any thread, never blocks. */
    public void publish(JupyterMessage message) {
        synchronized (outgoing) {
            iopubQueued.incrementAndGet();
            outgoing.add(message);
        }
    }

    /** Waits until every message queued for IOPub so far has been handed to ZeroMQ. */
    public void drainIopub(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long target = iopubQueued.get();
        while (iopubSent.get() < target && System.currentTimeMillis() < deadline)
            Thread.yield(); // microseconds, not a sleep: this runs before every execute_reply
    }

    private void sendIopub() {
        while (running || !outgoing.isEmpty()) {
            try {
                JupyterMessage m = outgoing.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (m == STOP)
                    return;
                if (m != null) {
                    try {
                        send(iopub, m);
                    } finally {
                        iopubSent.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, "could not publish on IOPub", t);
            }
        }
    }

    private void send(ZMQ.Socket socket, JupyterMessage message) {
        List<byte[]> frames = codec.encode(message);
        for (int i = 0; i < frames.size(); i++)
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }

    /**
     * Sends every ping back as it came, all its frames: a REP socket that took only the first frame
     * of a longer ping could not answer at all, and would answer no ping after it.
     */
    private void echoHeartbeats() {
        while (running) {
            try {
                ZMsg ping = ZMsg.recvMsg(heartbeat, 0);
                if (ping != null)
                    ping.send(heartbeat);
            } catch (Throwable t) { // a frontend that sees no echo declares the kernel dead: never stop echoing
                LOG.log(Level.WARNING, "heartbeat: could not echo a ping", t);
            }
        }
    }

    /**
     * Asks the frontend for a line of input (an {@code input_request} on the stdin channel) on behalf of
     * user code, and waits for the answer. The socket work happens on the stdin thread; the caller only
     * waits, so an interrupt of the caller ends the wait without touching ZeroMQ.
     */
    public String readInput(JupyterMessage parent, String prompt, boolean password) throws InterruptedIOException {
        InputWait wait = new InputWait(parent, prompt, password, new CompletableFuture<>());
        inputWaits.add(wait);
        try {
            return wait.answer().get();
        } catch (InterruptedException e) {
            wait.answer().cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("input was interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            wait.answer().cancel(false); // also covers a stopped thread (ThreadDeath) on JDK 17
        }
    }

    private record InputWait(JupyterMessage parent, String prompt, boolean password, CompletableFuture<String> answer) {}

    private void serveStdin() {
        while (running) {
            try {
                InputWait wait = inputWaits.poll(POLL_MS, TimeUnit.MILLISECONDS);
                // Whatever came while no prompt was open answers nothing: it must not answer the next one.
                discardWaitingStdinMessages();
                if (wait != null && !wait.answer().isDone())
                    ask(wait);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) { // the loop must outlive a bad message: later cells still need input
                LOG.log(Level.SEVERE, "error on the stdin channel", t);
            }
        }
    }

    private void discardWaitingStdinMessages() {
        for (JupyterMessage stale; (stale = receive(stdin, ZMQ.DONTWAIT)) != null; )
            LOG.warning("discarded a " + stale.type() + " that came while no input was asked for");
    }

    /** Sends the input_request and waits for its input_reply; other messages on stdin are dropped. */
    private void ask(InputWait wait) {
        JsonObject content = new JsonObject();
        content.addProperty("prompt", wait.prompt());
        content.addProperty("password", wait.password());
        JupyterMessage request = JupyterMessage.create(session, "input_request", wait.parent(), content);
        send(stdin, request);
        while (running && !wait.answer().isDone()) {
            JupyterMessage reply = receive(stdin, 0);
            if (reply == null)
                continue;
            if (answers(reply, request))
                wait.answer().complete(reply.string("value", ""));
            else
                LOG.warning("discarded a " + reply.type() + " that does not answer the open input_request");
        }
    }

    /**
     * An input_reply answers our input_request when its parent is that request. Some clients
     * (jupyter_client's {@code input()}, older JupyterLab) send no parent: such a reply counts, as in
     * ipykernel, since it came after the request and stale ones were discarded before it.
     */
    private static boolean answers(JupyterMessage reply, JupyterMessage request) {
        if (!reply.type().equals("input_reply"))
            return false;
        String parentId = reply.parentId();
        return parentId.isEmpty() || parentId.equals(request.id());
    }

    @Override
    public void close() {
        running = false;
        outgoing.add(STOP);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context.close();
    }
}
