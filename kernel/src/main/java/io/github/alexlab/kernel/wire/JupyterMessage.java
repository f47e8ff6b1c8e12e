package io.github.alexlab.kernel.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * One message of the Jupyter messaging protocol (version 5.3): the routing identities, the four JSON
 * parts and the binary buffers. Content stays a {@link JsonObject} so that unknown message types
 * still arrive intact and can be answered.
 */
public record JupyterMessage(List<byte[]> identities, JsonObject header, JsonObject parentHeader,
                             JsonObject metadata, JsonObject content, List<byte[]> buffers) {

    public static final String PROTOCOL_VERSION = "5.3";

    public String type() {
        return stringOf(header, "msg_type", "");
    }

    public String id() {
        return stringOf(header, "msg_id", "");
    }

    /** A new message of our own, sent in reply to (or caused by) {@code parent}; parent may be null. */
    public static JupyterMessage create(String session, String type, JupyterMessage parent, JsonObject content) {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", UUID.randomUUID().toString());
        header.addProperty("session", session);
        header.addProperty("username", "kernel");
        header.addProperty("date", DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
        header.addProperty("msg_type", type);
        header.addProperty("version", PROTOCOL_VERSION);
        return new JupyterMessage(parent == null ? List.of() : parent.identities(), header,
                parent == null ? new JsonObject() : parent.header(), new JsonObject(), content, List.of());
    }

    /** A field of the content as a string, or the default when absent or null. */
    public String string(String key, String otherwise) {
        return stringOf(content, key, otherwise);
    }

    public boolean bool(String key, boolean otherwise) {
        JsonElement e = content.get(key);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? otherwise : e.getAsBoolean();
    }

    /** A whole number of the content; one beyond the int range counts as the nearest int (a cursor far past the end). */
    public int integer(String key, int otherwise) {
        JsonElement e = content.get(key);
        try {
            if (e == null || e.isJsonNull())
                return otherwise;
            BigDecimal n = e.getAsBigDecimal();
            return n.max(INT_MIN).min(INT_MAX).intValue();
        } catch (RuntimeException notANumber) {
            return otherwise;
        }
    }

    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE), INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    /** The msg_id of the message this one answers, or "" when it names none. */
    public String parentId() {
        return stringOf(parentHeader, "msg_id", "");
    }

    private static String stringOf(JsonObject o, String key, String otherwise) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? otherwise : e.getAsString();
    }
}
