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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns messages into ZeroMQ frames and back, signing and checking the HMAC as the wire protocol
 * says: {@code [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]}.
 * A frame set with a wrong or missing signature is refused before anything in it is parsed.
 */
public final class MessageCodec {
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final Mac mac; // null when the connection file has an empty key (signing disabled)

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
        }
        try {
            JsonObject h = object(header, "header");
            if (!h.has("msg_type"))
                throw new InvalidMessageException("header without msg_type");
            return new JupyterMessage(List.copyOf(frames.subList(0, delimiter)), h, object(parent, "parent_header"),
                    object(metadata, "metadata"), object(content, "content"),
                    List.copyOf(frames.subList(delimiter + 6, frames.size())));
        } catch (RuntimeException badJson) {
            throw new InvalidMessageException("unparsable message: " + badJson.getMessage());
        }
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
        return e.getAsJsonObject();
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
