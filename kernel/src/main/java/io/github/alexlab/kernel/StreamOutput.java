package io.github.alexlab.kernel;

import com.google.gson.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@code System.out} / {@code System.err} of cells: bytes are gathered and sent as {@code stream}
 * messages, a few times a second while a cell runs (so progress shows up live) and whatever is left,
 * a partial line too, when the cell ends (so it lands under its own cell, not the next one).
 * Whatever is printed arrives once and in order.
 */
final class StreamOutput extends OutputStream {
    private static final long LINE_FLUSH_INTERVAL_NANOS = 20_000_000L;
    /**
     * The most one message carries: a flood (a 50 MB string, a million lines) goes out in pieces of
     * this size, so the kernel never holds the whole of it several times over (bytes, text, JSON).
     */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final String name; // "stdout" or "stderr"
    private final IOPub iopub;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private long lastSent = System.nanoTime();

    StreamOutput(String name, IOPub iopub) {
        this.name = name;
        this.iopub = iopub;
    }

    @Override
    public synchronized void write(int b) {
        pending.write(b);
        if (pending.size() >= MAX_MESSAGE_BYTES)
            send();
        else if (b == '\n')
            sendIfDue();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        while (len > 0) {
            int n = Math.min(len, MAX_MESSAGE_BYTES - pending.size());
            pending.write(b, off, n);
            boolean newline = false;
            for (int i = off; i < off + n && !newline; i++)
                newline = b[i] == '\n';
            off += n;
            len -= n;
            if (pending.size() >= MAX_MESSAGE_BYTES)
                send();
            else if (newline)
                sendIfDue();
        }
    }

    private void sendIfDue() {
        if (System.nanoTime() - lastSent >= LINE_FLUSH_INTERVAL_NANOS)
            send();
    }

    /** Sends what is pending; called by the kernel's flush timer and at the end of every cell. */
    @Override
    public synchronized void flush() {
        send();
    }

    private void send() {
        if (pending.size() == 0)
            return;
        byte[] bytes = pending.toByteArray();
        int complete = completeUtf8Length(bytes); // never split a character between two messages
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        if (complete == 0)
            return;
        CharBuffer text;
        try {
            text = utf8.decode(ByteBuffer.wrap(bytes, 0, complete));
        } catch (CharacterCodingException impossibleWithReplace) {
            text = CharBuffer.wrap(new String(bytes, 0, complete, StandardCharsets.UTF_8));
        }
        JsonObject content = new JsonObject();
        content.addProperty("name", name);
        content.addProperty("text", text.toString());
        iopub.publish("stream", content);
        lastSent = System.nanoTime();
    }

    /** The length of the prefix of {@code b} that ends on a whole UTF-8 character. */
    static int completeUtf8Length(byte[] b) {
        int n = b.length;
        int i = n - 1, back = 0;
        while (i >= 0 && back < 4 && (b[i] & 0xC0) == 0x80) { // continuation bytes
            i--;
            back++;
        }
        if (i < 0)
            return n;
        int lead = b[i] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return back + 1 >= needed ? n : i;
    }
}
