package io.github.alexlab.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The SHA-256 manifest {@code datasets/SHA256SUMS}: one {@code <hex digest>  <name>} line per
 * file, the format {@code sha256sum} writes. The digests are of the <em>uncompressed</em> IDX
 * content and the names have no {@code .gz}: compressed copies of the same data (the official
 * download, the Debian package) check against one entry.
 * <p>
 * The full sets are listed under their bare names ({@code train-images-idx3-ubyte}), the bundled
 * subset under its folder ({@code fashion-mnist-small/train-images-idx3-ubyte}).
 */
public final class Manifest {
    /** Where the build copies SHA256SUMS into the jar, for a kernel started outside the checkout. */
    private static final String RESOURCE = "/io/github/alexlab/data/SHA256SUMS";

    private final String source;
    private final Map<String, String> digests;

    private Manifest(String source, Map<String, String> digests) {
        this.source = source;
        this.digests = digests;
    }

    // ---- Loading ------------------------------------------------------------------------------

    /** Reads a manifest file in {@code sha256sum} format. */
    public static Manifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file))
            throw new DataFileException(file, "no such manifest file");
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.toString(), in);
        }
    }

    /**
     * The project's manifest: {@code SHA256SUMS} of the datasets folder when the checkout is
     * found (see {@link Datasets#folder()}), else the copy built into the jar.
     */
    public static Manifest bundled() throws IOException {
        Optional<Path> folder = Datasets.folder();
        if (folder.isPresent())
            return read(folder.get().resolve("SHA256SUMS"));
        try (InputStream in = Manifest.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IOException("SHA256SUMS: no datasets/ folder found and none built into the jar");
            return parse("SHA256SUMS (built in)", in);
        }
    }

    /** A manifest from a map of name to digest (for tests and hand-made data). */
    public static Manifest of(Map<String, String> digests) {
        return new Manifest("(in memory)", new LinkedHashMap<>(digests));
    }

    private static Manifest parse(String source, InputStream in) throws IOException {
        Map<String, String> digests = new LinkedHashMap<>();
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNumber = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) continue;
            // "<64 hex digits>  name" or, in binary mode, "<64 hex digits> *name"
            String[] parts = line.trim().split("\\s+\\*?", 2);
            if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}"))
                throw new IOException(source + ": line " + lineNumber + " is not '<sha256>  <name>': " + line);
            digests.put(parts[1], parts[0].toLowerCase());
        }
        return new Manifest(source, digests);
    }

    // ---- Lookup -------------------------------------------------------------------------------

    /** The digest listed for {@code name}, if any. */
    public Optional<String> digest(String name) {
        return Optional.ofNullable(digests.get(name));
    }

    /**
     * The digest listed for {@code name}; a file with no entry is an error, since unchecked data
     * is exactly what the manifest is there to prevent.
     */
    public String require(String name, Path file) throws DataFileException {
        String digest = digests.get(name);
        if (digest == null)
            throw new DataFileException(file, "the manifest " + source + " has no entry '" + name
                    + "' for this file (add its SHA-256, of the uncompressed content, or load it without verification)");
        return digest;
    }

    /** Where this manifest came from. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Manifest[" + source + ", " + digests.size() + " entries]";
    }
}
