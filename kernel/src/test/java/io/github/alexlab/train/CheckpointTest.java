package io.github.alexlab.train;

import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Init;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path dir;

    // ---- helpers ------------------------------------------------------------------------------

    /** The same images every run: [2, 1, 28, 28] from a seeded java.util.Random. */
    private static INDArray fixedImages(DataType type) {
        Random random = new Random(7);
        float[] pixels = new float[2 * 28 * 28];
        for (int i = 0; i < pixels.length; i++)
            pixels[i] = random.nextFloat();
        return Nd4j.create(pixels, new long[]{2, 1, 28, 28}, 'c').castTo(type);
    }

    /** Moves every weight a little, so that the model no longer matches a freshly built one. */
    private static void perturb(Layer model, long seed) {
        Random random = new Random(seed);
        for (Parameter p : model.parameters()) {
            INDArray noise = Nd4j.create(p.value().dataType(), p.value().shape());
            for (long i = 0; i < noise.length(); i++)
                noise.putScalar(i, 0.1 * random.nextGaussian());
            p.set(p.value().add(noise));
        }
    }

    /** Every parameter's values, copied (to compare a model before and after). */
    private static List<INDArray> snapshot(Layer model) {
        return model.parameters().stream().map(p -> p.value().dup()).toList();
    }

    /** The exact bits of a FLOAT or DOUBLE array: equal only when every value is bit for bit the same. */
    private static long[] bits(INDArray a) {
        INDArray flat = a.dup('c').reshape(a.length());
        long[] bits = new long[(int) a.length()];
        for (int i = 0; i < bits.length; i++)
            bits[i] = a.dataType() == DataType.DOUBLE ? Double.doubleToRawLongBits(flat.getDouble(i))
                    : Float.floatToRawIntBits(flat.getFloat(i));
        return bits;
    }

    /** A model holding just these parameters (a stand-in for a real layer in the byte-layout tests). */
    private static Layer holding(String name, Parameter... parameters) {
        return new Layer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public INDArray forward(INDArray input) {
                return input;
            }

            @Override
            public INDArray backward(INDArray gradOutput) {
                return gradOutput;
            }

            @Override
            public long[] outputShape(long[] inputShape) {
                return inputShape;
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(parameters);
            }
        };
    }

    /** A safetensors file written byte by byte, as another program would: header JSON, then the data bytes. */
    private Path handWritten(String name, String json, int... data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        for (int b : data)
            file.put((byte) b);
        Path path = dir.resolve(name);
        Files.write(path, file.array());
        return path;
    }

    /** A channel that passes on {@code limit} bytes and then fails, like a full disk. */
    private static UnaryOperator<WritableByteChannel> failingAfter(long limit) {
        return channel -> new WritableByteChannel() {
            long written;

            @Override
            public int write(ByteBuffer src) throws IOException {
                int allowed = (int) Math.min(src.remaining(), limit - written);
                if (allowed == 0)
                    throw new IOException("No space left on device (simulated)");
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + allowed);
                int n = channel.write(part);
                src.position(src.position() + n);
                written += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- round trips --------------------------------------------------------------------------

    @Test
    void saveThenLoadGivesBitIdenticalOutputs() {
        Sequential trained = LeNet5.modern();
        perturb(trained, 1);
        Sequential fresh = LeNet5.modern();
        INDArray x = fixedImages(DataType.FLOAT);
        assertFalse(Arrays.equals(bits(trained.forward(x)), bits(fresh.forward(x))), "the perturbed model must differ at first");

        Path file = dir.resolve("lenet.safetensors");
        Checkpoint.save(trained, file);
        Checkpoint.load(fresh, file);

        assertArrayEquals(bits(trained.forward(x)), bits(fresh.forward(x)));
        List<Parameter> a = trained.parameters(), b = fresh.parameters();
        for (int i = 0; i < a.size(); i++)
            assertArrayEquals(bits(a.get(i).value()), bits(b.get(i).value()), a.get(i).toString());
        assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"), List.copyOf(Checkpoint.read(file).keySet()));
        assertEquals(Map.of("format", "alexlab", "format_version", "1", "model", "LeNet-5 (modern)"), Checkpoint.metadata(file));
    }

    @Test
    void roundTripOfADoubleModel() {
        Sequential trained = LeNet5.modern();
        trained.parametersTo(DataType.DOUBLE);
        perturb(trained, 2);
        Sequential fresh = LeNet5.modern();
        fresh.parametersTo(DataType.DOUBLE);
        INDArray x = fixedImages(DataType.DOUBLE);

        Path file = dir.resolve("lenet-double.safetensors");
        Checkpoint.save(trained, file);
        Checkpoint.load(fresh, file);

        assertArrayEquals(bits(trained.forward(x)), bits(fresh.forward(x)));
        for (INDArray t : Checkpoint.read(file).values())
            assertEquals(DataType.DOUBLE, t.dataType());
        // 61,706 doubles after the header
        long header = ByteBuffer.wrap(readBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(8 + header + 61_706L * 8, file.toFile().length());
    }

    @Test
    void classicLeNetRoundTripKeepsItsMaskedConnections() {
        // Same seed: the RBF output codes are fixed, not parameters, so they are not in the file
        Sequential trained = LeNet5.classic();
        perturb(trained, 3);
        Sequential fresh = LeNet5.classic();
        Path file = dir.resolve("classic.safetensors");
        Checkpoint.save(trained, file);
        Checkpoint.load(fresh, file);
        INDArray x = Nd4j.create(DataType.FLOAT, 1, 1, 32, 32).assign(0.5);
        assertArrayEquals(bits(trained.forward(x)), bits(fresh.forward(x)));
        assertEquals(60_000, fresh.parameterCount(), "C3's masked weights are still zero and fixed");
    }

    @Test
    void nestedSequentialsAreJoinedWithDots() {
        Sequential model = new Sequential("net",
                new Sequential("features", new Conv2d("conv1", 1, 2, 3)),
                new Flatten("flatten"),
                new Linear("fc", 2 * 26 * 26, 3));
        assertEquals(List.of("features.conv1.weight", "features.conv1.bias", "fc.weight", "fc.bias"),
                List.copyOf(Checkpoint.namedParameters(model).keySet()));
        Path file = dir.resolve("nested.safetensors");
        Checkpoint.save(model, file);
        Sequential other = new Sequential("other",
                new Sequential("features", new Conv2d("conv1", 1, 2, 3).initialize(
                        Init.he(), Init.constant(1), 5)),
                new Flatten("flatten"),
                new Linear("fc", 2 * 26 * 26, 3).initialize(Init.he(), Init.constant(1), 6));
        Checkpoint.load(other, file);
        INDArray x = Nd4j.create(DataType.FLOAT, 1, 1, 28, 28).assign(0.25);
        assertArrayEquals(bits(model.forward(x)), bits(other.forward(x)));
    }

    // ---- the byte layout, checked by hand against the format ----------------------------------

    @Test
    void byteLayoutOfATinyTensorFollowsTheFormat() {
        Layer tiny = holding("tiny", new Parameter("w", Nd4j.createFromArray(1.0f, 2.0f)));
        Path file = dir.resolve("tiny.safetensors");
        Checkpoint.save(tiny, file);
        byte[] bytes = readBytes(file);

        String json = "{\"__metadata__\":{\"format\":\"alexlab\",\"format_version\":\"1\",\"model\":\"tiny\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        int padded = (json.length() + 7) / 8 * 8; // spaces up to a multiple of 8
        assertEquals(8 + padded + 8, bytes.length);
        // the header length: unsigned 64-bit little-endian, lowest byte first
        assertArrayEquals(new byte[]{(byte) padded, (byte) (padded >> 8), 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(bytes, 0, 8));
        String header = new String(bytes, 8, padded, StandardCharsets.UTF_8);
        assertEquals(json + " ".repeat(padded - json.length()), header);
        // 1.0f = 0x3f800000 and 2.0f = 0x40000000, each lowest byte first
        assertArrayEquals(new byte[]{0x00, 0x00, (byte) 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40},
                Arrays.copyOfRange(bytes, 8 + padded, bytes.length));
    }

    @Test
    void readsAFileWrittenByHandInEachFloatType() throws IOException {
        // As another writer might lay it out: spaces in the JSON, no metadata, no padding, I64 first
        Path file = handWritten("hand.safetensors",
                "{\"steps\": {\"dtype\": \"I64\", \"shape\": [], \"data_offsets\": [0, 8]}, "
                        + "\"half\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [8, 12]}, "
                        + "\"brain\": {\"dtype\": \"BF16\", \"shape\": [1, 2], \"data_offsets\": [12, 16]}, "
                        + "\"d\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [16, 24]}}",
                5, 0, 0, 0, 0, 0, 0, 0,                   // I64 5
                0x00, 0x3c, 0x00, 0xc0,                   // F16 1.0 (0x3c00), -2.0 (0xc000)
                0x80, 0x3f, 0x40, 0x40,                   // BF16 1.0 (0x3f80), 3.0 (0x4040)
                0, 0, 0, 0, 0, 0, 0xf8, 0x3f);            // F64 1.5 (0x3ff8000000000000)
        Map<String, INDArray> t = Checkpoint.read(file);
        assertEquals(List.of("steps", "half", "brain", "d"), List.copyOf(t.keySet()));
        assertEquals(DataType.LONG, t.get("steps").dataType());
        assertEquals(0, t.get("steps").rank());
        assertEquals(5L, t.get("steps").getLong(0));
        assertEquals(DataType.HALF, t.get("half").dataType());
        assertArrayEquals(new float[]{1.0f, -2.0f}, t.get("half").toFloatVector());
        assertEquals(DataType.BFLOAT16, t.get("brain").dataType());
        assertArrayEquals(new long[]{1, 2}, t.get("brain").shape());
        assertArrayEquals(new float[]{1.0f, 3.0f}, t.get("brain").castTo(DataType.FLOAT).reshape(2).toFloatVector());
        assertEquals(1.5, t.get("d").getDouble(0));
        assertTrue(Checkpoint.metadata(file).isEmpty());
    }

    @Test
    void halfAndBfloat16ModelsRoundTrip() {
        for (DataType type : List.of(DataType.HALF, DataType.BFLOAT16)) {
            Layer model = holding("m", new Parameter("w", Nd4j.createFromArray(0.1f, -7.25f, 3e-3f).castTo(type)));
            Layer other = holding("m", new Parameter("w", Nd4j.create(type, 3)));
            Path file = dir.resolve(type + ".safetensors");
            Checkpoint.save(model, file);
            Checkpoint.load(other, file);
            assertEquals(model.parameters().get(0).value(), other.parameters().get(0).value(), type.toString());
            byte[] bytes = readBytes(file);
            long header = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(3 * 2, bytes.length - 8 - header, "2 bytes a value");
        }
    }

    // ---- damaged files ------------------------------------------------------------------------

    @Test
    void aTruncatedFileIsRejectedAndTheModelKept() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        Checkpoint.save(LeNet5.modern(10, 1), file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 10);
        }
        Sequential model = LeNet5.modern();
        List<INDArray> before = snapshot(model);

        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(model, file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("fc3.bias"), "names the tensor cut short: " + e.getMessage());
        assertEquals(before, snapshot(model));

        // a file shorter than the length field itself
        Files.write(file, new byte[]{1, 2, 3});
        var short3 = assertThrows(CheckpointException.class, () -> Checkpoint.load(model, file));
        assertTrue(short3.getMessage().contains("only 3 bytes"), short3.getMessage());
        assertTrue(short3.getMessage().contains("truncated"), short3.getMessage());
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRejected() throws IOException {
        Path file = dir.resolve("long-header.safetensors");
        ByteBuffer bytes = ByteBuffer.allocate(8 + 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(1000).put("{}".getBytes(StandardCharsets.US_ASCII));
        Files.write(file, bytes.array());
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("header length is 1000 bytes, but only 2 bytes follow"), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());

        // all 64 bits set: as an unsigned number far beyond any file, not -1
        Files.write(file, new byte[]{-1, -1, -1, -1, -1, -1, -1, -1, '{', '}'});
        var huge = assertThrows(CheckpointException.class, () -> Checkpoint.read(file));
        assertTrue(huge.getMessage().contains("18446744073709551615"), huge.getMessage());
    }

    @Test
    void invalidJsonIsRejected() throws IOException {
        Path file = handWritten("bad-json.safetensors", "{\"w\": {\"dtype\": \"F32\", ", 0, 0, 0, 0);
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        Path notObject = handWritten("list.safetensors", "[1, 2]");
        var e2 = assertThrows(CheckpointException.class, () -> Checkpoint.read(notObject));
        assertTrue(e2.getMessage().contains("not an object"), e2.getMessage());
    }

    @Test
    void badOffsetsAndEntriesAreAllListed() throws IOException {
        Path file = handWritten("offsets.safetensors",
                "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                        + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]},"
                        + " \"c\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [16, 20]},"
                        + " \"d\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [20, 24]},"
                        + " \"e\": {\"dtype\": \"Q4\", \"shape\": [2.5], \"data_offsets\": [9]}}",
                new int[24]);
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.read(file));
        String m = e.getMessage();
        assertTrue(m.contains("b: bytes [4, 12) overlap those of a"), m);
        assertTrue(m.contains("bytes [12, 16) belong to no tensor"), m);
        assertTrue(m.contains("d: F32 [3] needs 12 bytes, but data_offsets [20, 24] hold 4"), m);
        assertTrue(m.contains("e: dtype Q4"), m);
        assertTrue(m.contains("e: \"shape\" must be"), m);
        assertTrue(m.contains("e: \"data_offsets\" must be"), m);
        assertEquals(6, e.problems().size(), m);

        Path extra = handWritten("extra.safetensors",
                "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", new int[6]);
        var e2 = assertThrows(CheckpointException.class, () -> Checkpoint.read(extra));
        assertTrue(e2.getMessage().contains("2 bytes at the end of the file belong to no tensor"), e2.getMessage());
    }

    // ---- checkpoints that do not fit the model ------------------------------------------------

    @Test
    void aClassicCheckpointDoesNotLoadIntoTheModernModel() {
        Path file = dir.resolve("classic.safetensors");
        Checkpoint.save(LeNet5.classic(), file);
        Sequential modern = LeNet5.modern();
        List<INDArray> before = snapshot(modern);

        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(modern, file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file + " (saved from LeNet-5 (1998)) does not fit LeNet-5 (modern):"), m);
        assertTrue(m.contains("missing in the file: conv1.weight, conv1.bias, conv2.weight, conv2.bias, fc1.weight, "
                + "fc1.bias, fc2.weight, fc2.bias, fc3.weight, fc3.bias"), m);
        assertTrue(m.contains("in the file but not in the model: C1.weight, C1.bias, S2.coefficient, S2.bias, "
                + "C3.weight, C3.bias, S4.coefficient, S4.bias, C5.weight, C5.bias, F6.weight, F6.bias"), m);
        assertEquals(before, snapshot(modern), "nothing changed");
    }

    @Test
    void shapeMismatchesAreListedWithBothShapes() {
        Path file = dir.resolve("ten-classes.safetensors");
        Checkpoint.save(LeNet5.modern(10, 1), file);
        Sequential fiveClasses = LeNet5.modern(5, 1);
        List<INDArray> before = snapshot(fiveClasses);

        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(fiveClasses, file));
        assertEquals(List.of("fc3.weight: shape differs: the model expects [84, 5], the file has [84, 10]",
                "fc3.bias: shape differs: the model expects [5], the file has [10]"), e.problems());
        assertEquals(before, snapshot(fiveClasses), "not even the layers that fit were loaded");
    }

    @Test
    void typeMismatchesNameBothTypesAndTheWayOut() {
        Sequential doubles = LeNet5.modern();
        doubles.parametersTo(DataType.DOUBLE);
        Path file = dir.resolve("double.safetensors");
        Checkpoint.save(doubles, file);

        Sequential floats = LeNet5.modern(10, 5);
        var e = assertThrows(CheckpointException.class, () -> Checkpoint.load(floats, file));
        assertEquals(10, e.problems().size(), e.getMessage());
        assertEquals("conv1.weight: type differs: the model has F32 (FLOAT), the file F64 (DOUBLE); to load it, "
                + "first call model.parametersTo(DataType.DOUBLE), then convert back if you like", e.problems().get(0));

        floats.parametersTo(DataType.DOUBLE);
        Checkpoint.load(floats, file);
        floats.parametersTo(DataType.FLOAT);
        assertNotEquals(LeNet5.modern(10, 5).parameters().get(0).value(), floats.parameters().get(0).value());
        assertEquals(doubles.parameters().get(0).value().castTo(DataType.FLOAT), floats.parameters().get(0).value());
    }

    // ---- atomic saving ------------------------------------------------------------------------

    @Test
    void aSaveThatFailsMidwayLeavesThePreviousFile() throws IOException {
        Path file = dir.resolve("lenet.safetensors");
        Sequential first = LeNet5.modern(10, 1);
        Checkpoint.save(first, file);
        byte[] saved = readBytes(file);

        Sequential second = LeNet5.modern(10, 2);
        var e = assertThrows(UncheckedIOException.class, () -> Checkpoint.save(second, file, failingAfter(10_000)));
        assertTrue(e.getMessage().contains("could not save " + file), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());

        assertArrayEquals(saved, readBytes(file), "the previous checkpoint is untouched");
        assertEquals(List.of("lenet.safetensors"), filesIn(dir), "no temporary file is left behind");
        Sequential loaded = LeNet5.modern(10, 3);
        Checkpoint.load(loaded, file);
        assertEquals(snapshot(first), snapshot(loaded));

        // and a save that goes through replaces it
        Checkpoint.save(second, file);
        Checkpoint.load(loaded, file);
        assertEquals(snapshot(second), snapshot(loaded));
        assertEquals(List.of("lenet.safetensors"), filesIn(dir));
    }

    @Test
    void twoParametersUnderOneNameAreRefused() throws IOException {
        Layer twice = holding("twice", new Parameter("w", Nd4j.zeros(2)), new Parameter("w", Nd4j.zeros(3)));
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(twice, dir.resolve("x.safetensors")));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        assertEquals(List.of(), filesIn(dir));
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
