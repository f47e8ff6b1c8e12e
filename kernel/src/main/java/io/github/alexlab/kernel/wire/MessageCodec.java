package io.github.alexlab.kernel.wire;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns messages into ZeroMQ frames and back, signing and checking the HMAC as the wire protocol
 * says: {@code [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]}.
 * A frame set with a wrong or missing signature is refused before anything in it is parsed.
 */
public final class MessageCodec {
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    /** As many as ipykernel remembers: a replay comes soon after the original, or not at all usefully. */
    private static final int SIGNATURES_REMEMBERED = 1 << 16;

    private final Mac mac; // null when the connection file has an empty key (signing disabled)
    /** Signatures of the messages received so far, oldest first, to refuse one sent a second time. */
    private final Set<String> seenSignatures = new LinkedHashSet<>();

    public MessageCodec(String signatureScheme, String key) {
        if (key == null || key.isEmpty()) {
            this.mac = null;
            return;
        }
        String algorithm = switch (signatureScheme == null ? "hmac-sha256" : signatureScheme) {
            case "hmac-sha256" -> "HmacSHA256";
            case "hmac-sha512" -> "HmacSHA512";
            case "hmac-sha1" -> "HmacSHA1";
            case "hmac-md5" -> "HmacMD5";
            default -> throw new IllegalArgumentException("Unsupported signature_scheme '" + signatureScheme + "'");
        };
        try {
            this.mac = Mac.getInstance(algorithm);
            this.mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot sign with " + signatureScheme + ": " + e.getMessage(), e);
        }
    }

    public List<byte[]> encode(JupyterMessage m) {
        byte[] header = bytes(m.header());
        byte[] parent = bytes(m.parentHeader());
        byte[] metadata = bytes(m.metadata());
        byte[] content = bytes(m.content());
        List<byte[]> frames = new ArrayList<>(m.identities().size() + 6 + m.buffers().size());
        frames.addAll(m.identities());
        frames.add(DELIMITER);
        frames.add(sign(header, parent, metadata, content).getBytes(StandardCharsets.US_ASCII));
        frames.add(header);
        frames.add(parent);
        frames.add(metadata);
        frames.add(content);
        frames.addAll(m.buffers());
        return frames;
    }

    /** Parses and authenticates a frame set; throws {@link InvalidMessageException} saying what was wrong. */
    public JupyterMessage decode(List<byte[]> frames) throws InvalidMessageException {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0 || frames.size() < delimiter + 6)
            throw new InvalidMessageException("malformed message: " + frames.size() + " frames, no complete <IDS|MSG> envelope");
        byte[] signature = frames.get(delimiter + 1);
        byte[] header = frames.get(delimiter + 2);
        byte[] parent = frames.get(delimiter + 3);
        byte[] metadata = frames.get(delimiter + 4);
        byte[] content = frames.get(delimiter + 5);
        if (mac != null) {
            byte[] expected = sign(header, parent, metadata, content).getBytes(StandardCharsets.US_ASCII);
            if (signature.length == 0)
                throw new InvalidMessageException("unsigned message refused (this kernel requires an HMAC signature)");
            if (!MessageDigest.isEqual(expected, signature)) // constant time: no timing oracle for forgers
                throw new InvalidMessageException("message with a wrong HMAC signature refused");
            if (!firstTimeSeen(signature))
                throw new InvalidMessageException("a message already received was sent again (a replay) and refused");
        }
        try {
            JsonObject h = object(header, "header");
            JsonElement type = h.get("msg_type");
            if (type == null || !type.isJsonPrimitive() || !type.getAsJsonPrimitive().isString())
                throw new InvalidMessageException("header without a msg_type string");
            return new JupyterMessage(List.copyOf(frames.subList(0, delimiter)), h, object(parent, "parent_header"),
                    object(metadata, "metadata"), object(content, "content"),
                    List.copyOf(frames.subList(delimiter + 6, frames.size())));
        } catch (RuntimeException badJson) {
            throw new InvalidMessageException("unparsable message: " + badJson.getMessage());
        }
    }

    /** Records a signature; false when it was seen before. Each message has its own (its header has a fresh msg_id). */
    private synchronized boolean firstTimeSeen(byte[] signature) {
        if (!seenSignatures.add(new String(signature, StandardCharsets.US_ASCII)))
            return false;
        if (seenSignatures.size() > SIGNATURES_REMEMBERED) {
            Iterator<String> oldest = seenSignatures.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    private synchronized String sign(byte[]... parts) {
        if (mac == null)
            return "";
        for (byte[] part : parts)
            mac.update(part);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    private static JsonObject object(byte[] raw, String part) throws InvalidMessageException {
        JsonElement e = JsonParser.parseString(new String(raw, StandardCharsets.UTF_8));
        if (e.isJsonNull())
            return new JsonObject();
        if (!e.isJsonObject())
            throw new InvalidMessageException(part + " is not a JSON object");
        if (nestedDeeperThan(MAX_NESTING, e))
            throw new InvalidMessageException(part + " is nested more than " + MAX_NESTING + " levels deep");
        return e.getAsJsonObject();
    }

    /**
     * No message needs deeper JSON than this; Gson reads any depth, but printing or comparing
     * JSON nested thousands of levels deep overflows the stack.
     */
    private static final int MAX_NESTING = 100;

    /** Walks the tree with a queue of its own, not by recursion, which is what could overflow. */
    private static boolean nestedDeeperThan(int limit, JsonElement root) {
        record Level(JsonElement element, int depth) {}
        ArrayDeque<Level> pending = new ArrayDeque<>(List.of(new Level(root, 1)));
        while (!pending.isEmpty()) {
            Level level = pending.pop();
            if (level.depth() > limit)
                return true;
            if (level.element().isJsonObject())
                level.element().getAsJsonObject().entrySet().forEach(e -> pending.push(new Level(e.getValue(), level.depth() + 1)));
            else if (level.element().isJsonArray())
                level.element().getAsJsonArray().forEach(e -> pending.push(new Level(e, level.depth() + 1)));
        }
        return false;
    }

    private static byte[] bytes(JsonObject o) {
        return GSON.toJson(o).getBytes(StandardCharsets.UTF_8);
    }

    public static Gson gson() {
        return GSON;
    }

    /** A message that failed authentication or parsing; it is logged and dropped, never executed. */
    public static final class InvalidMessageException extends Exception {
        public InvalidMessageException(String message) {
            super(message);
        }
    }
}
