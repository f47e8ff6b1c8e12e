package io.github.alexlab.kernel;

import io.github.alexlab.kernel.wire.JupyterMessage;
import io.github.alexlab.kernel.wire.KernelSockets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code System.in} of cells: each line is asked of the frontend with an {@code input_request}, when
 * the running cell's request allows stdin; otherwise reading gives end-of-input and says why once.
 */
final class KernelStdin extends InputStream {
    private final KernelSockets sockets;
    private volatile JupyterMessage request;
    private volatile boolean allowed;
    private volatile boolean toldWhy;
    private byte[] line = new byte[0];
    private int position;

    KernelStdin(KernelSockets sockets) {
        this.sockets = sockets;
    }

    void beginCell(JupyterMessage executeRequest, boolean allowStdin) {
        synchronized (this) {
            this.request = executeRequest;
            this.allowed = allowStdin;
            this.toldWhy = false;
            this.line = new byte[0];
            this.position = 0;
        }
    }

    void endCell() {
        this.allowed = false;
    }

    /** Asks for one line; used by {@code Notebook.input(prompt)} too. Null when stdin is not allowed. */
    String readLine(String prompt, boolean password) throws IOException {
        if (!allowed || request == null) {
            if (!toldWhy)
                System.err.println("stdin is not available here (this frontend does not allow input); reading gives end of input");
            toldWhy = true;
            return null;
        }
        return sockets.readInput(request, prompt, password);
    }

    @Override
    public synchronized int read() throws IOException {
        if (position >= line.length && !fill())
            return -1;
        return line[position++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] into, int off, int len) throws IOException {
        if (len == 0)
            return 0;
        if (position >= line.length && !fill())
            return -1;
        int n = Math.min(len, line.length - position);
        System.arraycopy(line, position, into, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return line.length - position;
    }

    private boolean fill() throws IOException {
        String text = readLine("", false);
        if (text == null)
            return false;
        line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        position = 0;
        return true;
    }
}
