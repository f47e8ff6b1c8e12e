package io.github.alexlab.train;

import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.Sequential;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Saves a model's weights to a file and loads them back, in the safetensors format that Hugging
 * Face and PyTorch use (see {@link SafetensorsHeader} for the layout). Each parameter is stored
 * under its path in the model: "conv1.weight", or "features.conv1.weight" inside a nested
 * Sequential; the model's own name is not part of it, but goes into the file's metadata.
 * <pre>
 *   Checkpoint.save(model, Path.of("lenet.safetensors"));
 *   Checkpoint.load(otherModel, Path.of("lenet.safetensors"));  // same architecture, any weights
 * </pre>
 * Saving is atomic: a crash or a full disk during a save leaves the previous file as it was.
 * Loading checks everything first (the file, every name, shape and type) and changes the model
 * only when all of it fits; otherwise a {@link CheckpointException} lists every problem.
 */
public final class Checkpoint {
    /** Goes into the metadata; raise it when the way models are written changes. */
    public static final String FORMAT_VERSION = "1";

    private Checkpoint() {
    }

    /** The parameters under the names a checkpoint gives them, in the model's order. */
    public static Map<String, Parameter> namedParameters(Layer model) {
        Map<String, Parameter> named = new LinkedHashMap<>();
        collect(model, "", named);
        return named;
    }

    private static void collect(Layer layer, String prefix, Map<String, Parameter> named) {
        if (layer instanceof Sequential sequential) {
            for (Layer inner : sequential.layers())
                collect(inner, prefix + inner.name() + ".", named);
            return;
        }
        for (Parameter p : layer.parameters()) {
            String path = prefix + p.name(); // blocks name their parameters locally: "weight", "bias"
            if (named.put(path, p) != null)
                throw new IllegalArgumentException("two parameters would be saved as '" + path
                        + "'; give the layers different names");
        }
    }

    // ---- saving -------------------------------------------------------------------------------

    /** Writes the model's parameters to {@code file}, replacing it only once the new file is complete. */
    public static void save(Layer model, Path file) {
        save(model, file, Map.of(), channel -> channel);
    }

    /**
     * As {@link #save(Layer, Path)}, with more metadata: how the weights were made, say ("epochs" to
     * "4"). {@link #metadata(Path)} reads it back. The keys "format", "format_version" and "model"
     * are the checkpoint's own.
     */
    public static void save(Layer model, Path file, Map<String, String> moreMetadata) {
        save(model, file, moreMetadata, channel -> channel);
    }

    /** As {@link #save(Layer, Path)}, writing through {@code wrap(channel)}: tests make it fail midway. */
    static void save(Layer model, Path file, UnaryOperator<WritableByteChannel> wrap) {
        save(model, file, Map.of(), wrap);
    }

    private static void save(Layer model, Path file, Map<String, String> moreMetadata, UnaryOperator<WritableByteChannel> wrap) {
        Map<String, Parameter> named = namedParameters(model);
        // Wider types first (stable, so the model's order stays within a type): each tensor then starts
        // at a multiple of its own size, as it would in memory
        List<Map.Entry<String, Parameter>> order = new ArrayList<>(named.entrySet());
        order.sort(Comparator.comparingInt(e -> -SafetensorsDtype.of(e.getValue().value().dataType()).bytes));
        List<TensorEntry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Parameter> e : order) {
            INDArray value = e.getValue().value();
            SafetensorsDtype dtype = SafetensorsDtype.of(value.dataType());
            long bytes = value.length() * dtype.bytes;
            entries.add(new TensorEntry(e.getKey(), dtype, value.shape(), offset, offset + bytes));
            offset += bytes;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "alexlab");
        metadata.put("format_version", FORMAT_VERSION);
        metadata.put("model", model.name());
        moreMetadata.forEach((key, value) -> {
            if (metadata.containsKey(key))
                throw new IllegalArgumentException("the metadata key '" + key + "' is the checkpoint's own");
            metadata.put(key, value);
        });
        byte[] header = SafetensorsHeader.encode(metadata, entries);

        // Write a new file next to the old one, then rename it over the old one: a rename within a
        // directory is atomic, so a reader sees either the old checkpoint or the new, never half of one.
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                WritableByteChannel out = wrap.apply(channel);
                ByteBuffer headerBytes = ByteBuffer.wrap(header);
                while (headerBytes.hasRemaining())
                    out.write(headerBytes);
                for (Map.Entry<String, Parameter> e : order)
                    TensorBytes.write(e.getKey(), e.getValue().value(), out);
                channel.force(true); // on the disk before the rename, not just in the page cache
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("could not save " + file + ": " + e.getMessage(), e);
        } finally {
            if (!moved)
                deleteQuietly(temp);
        }
    }

    /** Makes the rename itself durable. Not every system can open a directory (Windows cannot): best effort. */
    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the file is complete and in place; only its survival of a power cut is less certain
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the save has failed already; that error is the one to report
        }
    }

    // ---- loading ------------------------------------------------------------------------------

    /**
     * Replaces the model's parameters with those in {@code file}. The file must hold exactly the
     * model's parameters, with the same shapes and types; otherwise nothing changes and a
     * {@link CheckpointException} lists every mismatch.
     */
    public static void load(Layer model, Path file) {
        Map<String, Parameter> named = namedParameters(model);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = SafetensorsHeader.read(channel, file);
            List<String> problems = mismatches(named, header.tensors);
            if (!problems.isEmpty()) {
                String summary = "does not fit " + model.name();
                if (header.metadata.containsKey("model"))
                    summary = "(saved from " + header.metadata.get("model") + ") " + summary;
                throw new CheckpointException(file, summary, problems);
            }
            // Read every tensor before changing anything, so that a read error leaves the model as it was
            // (for a while the weights are in memory twice)
            Map<String, INDArray> values = new LinkedHashMap<>();
            for (TensorEntry t : header.tensors)
                values.put(t.name(), TensorBytes.read(channel, header.dataStart + t.begin(), t));
            named.forEach((name, p) -> p.set(values.get(name)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every way the file's tensors differ from the model's parameters: names, shapes, types. */
    private static List<String> mismatches(Map<String, Parameter> named, List<TensorEntry> tensors) {
        List<String> problems = new ArrayList<>();
        Map<String, TensorEntry> inFile = new LinkedHashMap<>();
        for (TensorEntry t : tensors)
            inFile.put(t.name(), t);

        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            TensorEntry t = inFile.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
                continue;
            }
            INDArray value = e.getValue().value();
            if (!Arrays.equals(value.shape(), t.shape()))
                problems.add(e.getKey() + ": shape differs: the model expects " + Arrays.toString(value.shape())
                        + ", the file has " + Arrays.toString(t.shape()));
            SafetensorsDtype expected = SafetensorsDtype.of(value.dataType());
            if (expected != t.dtype())
                problems.add(e.getKey() + ": type differs: the model has " + expected.describe() + ", the file "
                        + t.dtype().describe() + "; to load it, first call model.parametersTo(DataType." + t.dtype().nd4j
                        + "), then convert back if you like");
        }
        List<String> unknown = new ArrayList<>();
        for (String name : inFile.keySet())
            if (!named.containsKey(name))
                unknown.add(name);
        if (!missing.isEmpty())
            problems.add("missing in the file: " + String.join(", ", missing));
        if (!unknown.isEmpty())
            problems.add("in the file but not in the model: " + String.join(", ", unknown));
        return problems;
    }

    // ---- looking inside -----------------------------------------------------------------------

    /** Every tensor in a safetensors file, by name, in the order of the file: to look at, or to load by hand. */
    public static Map<String, INDArray> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = SafetensorsHeader.read(channel, file);
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            for (TensorEntry t : header.tensors)
                tensors.put(t.name(), TensorBytes.read(channel, header.dataStart + t.begin(), t));
            return tensors;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's metadata: for an AlexLab checkpoint "format", "format_version" and "model". */
    public static Map<String, String> metadata(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return Collections.unmodifiableMap(SafetensorsHeader.read(channel, file).metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
