package io.github.alexlab.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static io.github.alexlab.data.IdxFiles.*;
import static org.junit.jupiter.api.Assertions.*;

class IdxTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzipAlike() throws IOException {
        byte[] content = images(3, 2, 4);
        Path plain = write(dir.resolve("plain-images"), content);
        Path zipped = write(dir.resolve("zipped-images.bin"), gzip(content)); // no .gz: found by its magic
        IdxData a = Idx.read(plain, 3, sha256(content));
        IdxData b = Idx.read(zipped, 3, sha256(content));
        assertArrayEquals(new int[]{3, 2, 4}, a.sizes());
        assertEquals(3, a.count());
        assertEquals(8, a.valuesPerExample());
        assertArrayEquals(Arrays.copyOfRange(content, 16, content.length), a.data());
        assertArrayEquals(a.data(), b.data());
        assertEquals(sha256(content), b.sha256());
    }

    @Test
    void badMagic() throws IOException {
        byte[] content = labels(5);
        content[1] = 0x42;
        Path file = write(dir.resolve("bad-magic-labels"), content);
        var e = assertThrows(DataFileException.class, () -> Idx.read(file, 1));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bad magic bytes 0x00 0x42"), e.getMessage());
    }

    @Test
    void unsupportedTypeAndWrongDimensions() throws IOException {
        byte[] content = labels(5);
        content[2] = 0x0D; // float
        Path floats = write(dir.resolve("float-labels"), content);
        var e = assertThrows(DataFileException.class, () -> Idx.read(floats, 1));
        assertTrue(e.getMessage().startsWith(floats.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported IDX value type 0x0d"), e.getMessage());

        Path labels = write(dir.resolve("labels-read-as-images"), labels(5));
        e = assertThrows(DataFileException.class, () -> Idx.read(labels, 3));
        assertTrue(e.getMessage().startsWith(labels.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 3 dimension(s) (images), header says 1"), e.getMessage());
    }

    @Test
    void truncated() throws IOException {
        byte[] content = images(4, 3, 3); // 36 bytes of data
        byte[] cut = Arrays.copyOf(content, content.length - 10);
        Path plain = write(dir.resolve("cut-images"), cut);
        var e = assertThrows(DataFileException.class, () -> Idx.read(plain, 3));
        assertTrue(e.getMessage().startsWith(plain.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated: header promises 36 bytes of data, file has 26"), e.getMessage());

        // the same content cut short inside gzip: still "truncated", not a gzip crash
        Path zipped = write(dir.resolve("cut-images.gz"), gzip(cut));
        e = assertThrows(DataFileException.class, () -> Idx.read(zipped, 3));
        assertTrue(e.getMessage().contains("truncated: header promises 36 bytes of data, file has 26"), e.getMessage());
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] content = labels(5);
        byte[] longer = Arrays.copyOf(content, content.length + 3);
        Path file = write(dir.resolve("long-labels.gz"), gzip(longer));
        var e = assertThrows(DataFileException.class, () -> Idx.read(file, 1));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("3 trailing bytes after the 5 bytes"), e.getMessage());
    }

    @Test
    void wrongChecksum() throws IOException {
        byte[] content = labels(5);
        String expected = sha256(content);
        content[content.length - 1] = 7; // one label changed: still a valid file
        Path file = write(dir.resolve("changed-labels.gz"), gzip(content));
        var e = assertThrows(DataFileException.class, () -> Idx.read(file, 1, expected));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + expected + ", actual " + sha256(content)), e.getMessage());
        assertTrue(e.getMessage().contains("does not match the manifest"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nowhere-labels");
        var e = assertThrows(DataFileException.class, () -> Idx.read(file, 1));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void missingManifestEntry() throws IOException {
        Path file = dir.resolve("t10k-labels-idx1-ubyte");
        var manifest = Manifest.of(Map.of("train-labels-idx1-ubyte", "0".repeat(64)));
        var e = assertThrows(DataFileException.class, () -> manifest.require("t10k-labels-idx1-ubyte", file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("has no entry 't10k-labels-idx1-ubyte'"), e.getMessage());
    }

    @Test
    void manifestFormat() throws IOException {
        String digest = "ab".repeat(32);
        Path file = write(dir.resolve("SHA256SUMS"), (digest + "  a/b-labels\n\n" + digest.toUpperCase() + " *c\n").getBytes());
        Manifest manifest = Manifest.read(file);
        assertEquals(digest, manifest.digest("a/b-labels").orElseThrow());
        assertEquals(digest, manifest.digest("c").orElseThrow());
        assertTrue(manifest.digest("d").isEmpty());

        Path broken = write(dir.resolve("BROKEN"), "not a digest  x\n".getBytes());
        var e = assertThrows(IOException.class, () -> Manifest.read(broken));
        assertTrue(e.getMessage().startsWith(broken + ": line 1"), e.getMessage());
    }

    @Test
    void bundledManifestListsFullAndSubset() throws IOException {
        Manifest manifest = Manifest.bundled();
        for (String name : new String[]{"train-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                "fashion-mnist-small/train-images-idx3-ubyte", "fashion-mnist-small/t10k-labels-idx1-ubyte"})
            assertTrue(manifest.digest(name).isPresent(), name);
    }
}
