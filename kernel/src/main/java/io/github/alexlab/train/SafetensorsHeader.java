package io.github.alexlab.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file (https://github.com/huggingface/safetensors), the layout:
 * <pre>
 *   8 bytes   N, the header length, an unsigned little-endian 64-bit integer
 *   N bytes   UTF-8 JSON: {"__metadata__": {"format": "alexlab", ...},
 *                          "conv1.weight": {"dtype": "F32", "shape": [6, 1, 5, 5], "data_offsets": [0, 600]}, ...}
 *   the rest  the tensors' bytes, row-major and little-endian; data_offsets count from here
 * </pre>
 * The tensors must tile the rest of the file exactly: no gaps, no overlaps, nothing left over.
 */
final class SafetensorsHeader {
    /** The format's own limit on N, which also keeps a garbage length from filling the memory. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    static final String METADATA = "__metadata__";

    final Map<String, String> metadata;
    /** In the order of their bytes in the file. */
    final List<TensorEntry> tensors;
    /** Where the tensors' bytes start: 8 + N. */
    final long dataStart;

    private SafetensorsHeader(Map<String, String> metadata, List<TensorEntry> tensors, long dataStart) {
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * The 8 length bytes and the JSON, padded with spaces so that the tensors start at a multiple of
     * 8 bytes (readers may then map a tensor straight from the file, whatever its type).
     */
    static byte[] encode(Map<String, String> metadata, List<TensorEntry> tensors) {
        JsonObject root = new JsonObject();
        JsonObject meta = new JsonObject();
        metadata.forEach(meta::addProperty);
        root.add(METADATA, meta);
        for (TensorEntry t : tensors) {
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.dtype().name());
            JsonArray shape = new JsonArray();
            for (long size : t.shape())
                shape.add(size);
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(t.begin());
            offsets.add(t.end());
            entry.add("data_offsets", offsets);
            root.add(t.name(), entry);
        }
        // No HTML escaping: a name like "a<b" stays as it is, as other writers leave it
        byte[] json = new GsonBuilder().disableHtmlEscaping().create().toJson(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.hasRemaining())
            out.put((byte) ' ');
        return out.array();
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Reads and checks the header of {@code channel}; every problem found goes into one exception. */
    static SafetensorsHeader read(FileChannel channel, Path file) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8)
            throw new CheckpointException(file, "is not a safetensors checkpoint", List.of("the file is only "
                    + fileSize + " bytes long; it must start with an 8-byte header length (truncated, or empty?)"));
        ByteBuffer lengthBytes = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes.getLong();
        // As an unsigned number, a negative long is more than 2^63: larger than any file
        if (headerLength < 0 || headerLength > fileSize - 8)
            throw new CheckpointException(file, "is not a safetensors checkpoint", List.of("the header length is "
                    + Long.toUnsignedString(headerLength) + " bytes, but only " + (fileSize - 8)
                    + " bytes follow it: the header is larger than the file, which is truncated or not a safetensors file"));
        if (headerLength > MAX_HEADER_BYTES)
            throw new CheckpointException(file, "is not a safetensors checkpoint", List.of("the header length is "
                    + headerLength + " bytes, more than the format allows (" + MAX_HEADER_BYTES + ")"));

        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().decode(readFully(channel, 8, (int) headerLength)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, "is not a safetensors checkpoint",
                    List.of("the header is not valid UTF-8 text"));
        }
        JsonElement root = parseStrictly(json, file);
        if (!root.isJsonObject())
            throw new CheckpointException(file, "is not a safetensors checkpoint",
                    List.of("the header is JSON but not an object {...}: " + abbreviate(json)));

        List<String> problems = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorEntry> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonElement> member : root.getAsJsonObject().entrySet()) {
            if (member.getKey().equals(METADATA))
                readMetadata(member.getValue(), metadata, problems);
            else {
                TensorEntry entry = readEntry(member.getKey(), member.getValue(), problems);
                if (entry != null)
                    tensors.add(entry);
            }
        }
        long dataStart = 8 + headerLength;
        checkTiling(tensors, fileSize - dataStart, problems);
        if (!problems.isEmpty())
            throw new CheckpointException(file, "is not a valid safetensors checkpoint", problems);
        tensors.sort(Comparator.comparingLong(TensorEntry::begin));
        return new SafetensorsHeader(metadata, List.copyOf(tensors), dataStart);
    }

    /** Strict JSON (no comments, no unquoted names, nothing after the closing brace but the padding spaces). */
    private static JsonElement parseStrictly(String json, Path file) {
        try {
            JsonReader reader = new JsonReader(new StringReader(json));
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT)
                throw new JsonParseException("more text after the JSON value");
            return root;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw new CheckpointException(file, "is not a safetensors checkpoint",
                    List.of("the header is not valid JSON (" + e.getMessage() + "): " + abbreviate(json)));
        }
    }

    /** {"format": "alexlab", ...}: the format allows only text values. */
    private static void readMetadata(JsonElement value, Map<String, String> metadata, List<String> problems) {
        if (!value.isJsonObject()) {
            problems.add(METADATA + " must be an object of texts, found " + abbreviate(value.toString()));
            return;
        }
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            JsonElement v = m.getValue();
            if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString())
                metadata.put(m.getKey(), v.getAsString());
            else
                problems.add(METADATA + "." + m.getKey() + " must be a text, found " + abbreviate(v.toString()));
        }
    }

    /** One tensor's {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}, or null with its problems noted. */
    private static TensorEntry readEntry(String name, JsonElement value, List<String> problems) {
        if (!value.isJsonObject()) {
            problems.add(name + ": expected {\"dtype\", \"shape\", \"data_offsets\"}, found " + abbreviate(value.toString()));
            return null;
        }
        JsonObject entry = value.getAsJsonObject();
        int before = problems.size();

        SafetensorsDtype dtype = null;
        JsonElement dtypeJson = entry.get("dtype");
        if (dtypeJson == null || !dtypeJson.isJsonPrimitive() || !dtypeJson.getAsJsonPrimitive().isString())
            problems.add(name + ": \"dtype\" is missing or not a text");
        else if ((dtype = SafetensorsDtype.named(dtypeJson.getAsString())) == null)
            problems.add(name + ": dtype " + dtypeJson.getAsString() + " is not one this library reads; it reads "
                    + Arrays.toString(SafetensorsDtype.values()));

        long[] shape = wholeNumbers(entry.get("shape"), -1);
        if (shape == null)
            problems.add(name + ": \"shape\" must be a list of whole numbers >= 0, found " + abbreviate(String.valueOf(entry.get("shape"))));
        long[] offsets = wholeNumbers(entry.get("data_offsets"), 2);
        if (offsets == null)
            problems.add(name + ": \"data_offsets\" must be [begin, end], two whole numbers >= 0, found "
                    + abbreviate(String.valueOf(entry.get("data_offsets"))));
        else if (offsets[1] < offsets[0])
            problems.add(name + ": data_offsets " + Arrays.toString(offsets) + " end before they begin");
        if (problems.size() > before)
            return null;

        TensorEntry tensor = new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
        try {
            if (tensor.byteLength() != tensor.end() - tensor.begin())
                problems.add(name + ": " + dtype + " " + Arrays.toString(shape) + " needs " + tensor.byteLength()
                        + " bytes, but data_offsets " + Arrays.toString(offsets) + " hold " + (tensor.end() - tensor.begin()));
        } catch (ArithmeticException e) {
            problems.add(name + ": shape " + Arrays.toString(shape) + " is too large");
            return null;
        }
        return tensor;
    }

    /** The numbers of a JSON list of whole numbers >= 0 ({@code count} of them, or any number when -1), or null. */
    private static long[] wholeNumbers(JsonElement value, int count) {
        if (value == null || !value.isJsonArray())
            return null;
        JsonArray array = value.getAsJsonArray();
        if (count >= 0 && array.size() != count)
            return null;
        long[] numbers = new long[array.size()];
        for (int i = 0; i < numbers.length; i++) {
            JsonElement e = array.get(i);
            // The text as written: getAsLong would quietly turn 2.5 into 2
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || !e.getAsString().matches("[0-9]{1,18}"))
                return null;
            numbers[i] = Long.parseLong(e.getAsString());
        }
        return numbers;
    }

    /**
     * The tensors, in the order of their bytes, must follow one another with no gap and no overlap,
     * from byte 0 to the end of the file. A file cut short shows up here: the tensors reach past its end.
     */
    private static void checkTiling(List<TensorEntry> tensors, long dataBytes, List<String> problems) {
        List<TensorEntry> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expected = 0;
        TensorEntry previous = null;
        List<String> pastTheEnd = new ArrayList<>();
        for (TensorEntry t : byOffset) {
            if (t.begin() < expected)
                problems.add(t.name() + ": bytes [" + t.begin() + ", " + t.end() + ") overlap those of " + previous.name());
            else if (t.begin() > expected)
                problems.add("bytes [" + expected + ", " + t.begin() + ") belong to no tensor (a gap before " + t.name() + ")");
            if (t.end() > dataBytes)
                pastTheEnd.add(t.name());
            if (t.end() >= expected) {
                expected = t.end();
                previous = t;
            }
        }
        if (!pastTheEnd.isEmpty())
            problems.add("the file is truncated: its tensors need " + expected + " bytes after the header, but only "
                    + dataBytes + " are there; cut short: " + String.join(", ", pastTheEnd));
        else if (expected < dataBytes)
            problems.add((dataBytes - expected) + " bytes at the end of the file belong to no tensor");
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining())
            if (channel.read(buffer, position + buffer.position()) < 0)
                break; // cannot happen after the size checks, unless the file shrinks while we read
        return buffer.flip();
    }

    /** Long JSON cut to a readable length for a message. */
    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
}
