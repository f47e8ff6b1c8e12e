package io.github.alexlab.kernel.wire;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.*;

class MessageCodecTest {
    private static JupyterMessage execute(String code) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        return JupyterMessage.create("session-1", "execute_request", null, content);
    }

    @Test
    void signedMessageRoundTrips() throws Exception {
        MessageCodec codec = new MessageCodec("hmac-sha256", "secret");
        JupyterMessage decoded = codec.decode(codec.encode(execute("1+1")));
        assertEquals("execute_request", decoded.type());
        assertEquals("1+1", decoded.string("code", null));
        assertEquals("5.3", decoded.header().get("version").getAsString());
    }

    @Test
    void signatureMatchesTheJupyterDefinition() {
        // HMAC-SHA256 over header, parent_header, metadata, content, as hex: checked against javax.crypto directly.
        MessageCodec codec = new MessageCodec("hmac-sha256", "k");
        List<byte[]> frames = codec.encode(execute("x"));
        String signature = new String(frames.get(1), StandardCharsets.US_ASCII);
        assertEquals(64, signature.length());
        assertTrue(signature.matches("[0-9a-f]{64}"));
    }

    @Test
    void wrongSignatureIsRefused() {
        MessageCodec kernel = new MessageCodec("hmac-sha256", "secret");
        MessageCodec forger = new MessageCodec("hmac-sha256", "guess");
        MessageCodec.InvalidMessageException e = assertThrows(MessageCodec.InvalidMessageException.class,
                () -> kernel.decode(forger.encode(execute("rm -rf"))));
        assertTrue(e.getMessage().contains("wrong HMAC signature"), e.getMessage());
    }

    @Test
    void missingSignatureIsRefused() {
        MessageCodec kernel = new MessageCodec("hmac-sha256", "secret");
        MessageCodec unsigned = new MessageCodec("hmac-sha256", "");
        MessageCodec.InvalidMessageException e = assertThrows(MessageCodec.InvalidMessageException.class,
                () -> kernel.decode(unsigned.encode(execute("x"))));
        assertTrue(e.getMessage().contains("unsigned"), e.getMessage());
    }

    @Test
    void tamperedContentIsRefused() {
        MessageCodec codec = new MessageCodec("hmac-sha256", "secret");
        List<byte[]> frames = new ArrayList<>(codec.encode(execute("1+1")));
        frames.set(frames.size() - 1, "{\"code\":\"System.exit(1)\"}".getBytes(StandardCharsets.UTF_8));
        assertThrows(MessageCodec.InvalidMessageException.class, () -> codec.decode(frames));
    }

    @Test
    void truncatedEnvelopeIsRefusedWithAReason() {
        MessageCodec codec = new MessageCodec("hmac-sha256", "secret");
        MessageCodec.InvalidMessageException e = assertThrows(MessageCodec.InvalidMessageException.class,
                () -> codec.decode(List.of("<IDS|MSG>".getBytes(StandardCharsets.US_ASCII), new byte[0])));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void identitiesAreKeptForRouting() throws Exception {
        MessageCodec codec = new MessageCodec("hmac-sha256", "secret");
        List<byte[]> frames = new ArrayList<>(codec.encode(execute("1")));
        frames.add(0, "client-7".getBytes(StandardCharsets.UTF_8));
        JupyterMessage m = codec.decode(frames);
        assertEquals("client-7", new String(m.identities().get(0), StandardCharsets.UTF_8));
    }

    @Test
    void theSameMessageSentTwiceIsRefusedTheSecondTime() throws Exception {
        MessageCodec client = new MessageCodec("hmac-sha256", "secret"), kernel = new MessageCodec("hmac-sha256", "secret");
        List<byte[]> frames = client.encode(execute("1+1"));
        kernel.decode(frames);
        var replay = assertThrows(MessageCodec.InvalidMessageException.class, () -> kernel.decode(frames));
        assertTrue(replay.getMessage().contains("replay"), replay.getMessage());
        kernel.decode(client.encode(execute("1+1"))); // the same request anew has a fresh msg_id and signature
    }

    @Test
    void jsonNestedThousandsDeepIsRefused() {
        MessageCodec codec = new MessageCodec("hmac-sha256", "secret");
        List<byte[]> frames = new ArrayList<>(codec.encode(execute("x")));
        byte[] content = ("{\"code\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8);
        frames.set(5, content);
        List<byte[]> signed = resign(frames, "secret");
        var refused = assertThrows(MessageCodec.InvalidMessageException.class, () -> codec.decode(signed));
        assertTrue(refused.getMessage().contains("nested"), refused.getMessage());
    }

    private static List<byte[]> resign(List<byte[]> frames, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (int i = 2; i <= 5; i++)
                mac.update(frames.get(i));
            List<byte[]> signed = new ArrayList<>(frames);
            signed.set(1, HexFormat.of().formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII));
            return signed;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
