package io.github.alexlab.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.github.alexlab.data.IdxFiles.*;
import static org.junit.jupiter.api.Assertions.*;

class FashionMnistTest {
    private static final String[] FILES = {FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS,
            FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS};

    @TempDir
    Path dir;

    private static Path bundled() {
        return Datasets.folder().orElseThrow().resolve(FashionMnist.BUNDLED_FOLDER);
    }

    private static void checkClasses(Dataset set) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < set.size(); i++) seen.add(set.label(i));
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen, set.name());
    }

    // ---- The real data ------------------------------------------------------------------------

    @Test
    void bundledSubsetLoads() throws IOException {
        FashionMnist data = FashionMnist.resolve(Map.of(), true);
        assertTrue(data.source().startsWith("bundled subset"), data.source());
        Dataset train = data.train(), test = data.test();
        assertArrayEquals(new long[]{2000, 1, 28, 28}, train.images().shape());
        assertArrayEquals(new long[]{2000}, train.labels().shape());
        assertArrayEquals(new long[]{1000, 1, 28, 28}, test.images().shape());
        assertEquals(DataType.FLOAT, train.images().dataType());
        assertEquals(DataType.FLOAT, train.labels().dataType());
        assertEquals(0.0, train.images().minNumber().doubleValue(), 0);
        assertEquals(1.0, train.images().maxNumber().doubleValue(), 0);
        // Fashion-MNIST's mean pixel is about 0.286
        assertEquals(0.286, train.images().meanNumber().doubleValue(), 0.01);
        checkClasses(train);
        checkClasses(test);
        // the first training image of Fashion-MNIST is an ankle boot, the first test image too
        assertEquals("Ankle boot", FashionMnist.className(train.label(0)));
        assertEquals("Ankle boot", FashionMnist.className(test.label(0)));
        assertEquals(10, FashionMnist.CLASS_NAMES.size());
    }

    @Test
    void fullSetFromTheDebianPackage() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_PATH),
                FashionMnist.DEBIAN_PATH + " is not there (install the Debian package dataset-fashion-mnist)");
        FashionMnist data = FashionMnist.resolve(Map.of(), false);
        assertEquals(FashionMnist.DEBIAN_PATH.toString(), data.source());
        assertArrayEquals(new long[]{60000, 1, 28, 28}, data.train().images().shape());
        assertArrayEquals(new long[]{10000, 1, 28, 28}, data.test().images().shape());
        checkClasses(data.test());
        // the subset is the head of the full set
        FashionMnist small = FashionMnist.load(bundled());
        assertEquals(small.train().images().getDouble(1999, 0, 14, 14), data.train().images().getDouble(1999, 0, 14, 14), 0);
        assertEquals(small.test().labels(), data.test().labels().get(NDArrayIndex.interval(0, 1000)));
    }

    @Test
    void environmentVariableComesFirst() throws IOException {
        FashionMnist data = FashionMnist.resolve(Map.of("ALEXLAB_DATA", bundled().toString()), false);
        assertEquals("ALEXLAB_DATA=" + bundled(), data.source());
        assertEquals(2000, data.train().size());

        var e = assertThrows(DataFileException.class, () -> FashionMnist.resolve(Map.of("ALEXLAB_DATA", dir.toString()), true));
        assertTrue(e.getMessage().startsWith(dir + ": ALEXLAB_DATA names this folder, but it lacks"), e.getMessage());
    }

    // ---- Folders of hand-made files -----------------------------------------------------------

    /** Writes the four files with the given counts; returns a manifest listing them. */
    private Manifest writeSet(Path folder, int train, int trainLabels, int test, int testLabels) throws IOException {
        Files.createDirectories(folder);
        byte[][] contents = {images(train, 28, 28), labels(trainLabels), images(test, 28, 28), labels(testLabels)};
        Map<String, String> digests = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            write(folder.resolve(FILES[i] + ".gz"), gzip(contents[i]));
            digests.put(FILES[i], sha256(contents[i]));
        }
        return Manifest.of(digests);
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Manifest manifest = writeSet(dir, 20, 20, 10, 9);
        var e = assertThrows(DataFileException.class, () -> FashionMnist.fromDirectory(dir, manifest, "test"));
        String images = dir.resolve(FashionMnist.TEST_IMAGES + ".gz").toString();
        String labels = dir.resolve(FashionMnist.TEST_LABELS + ".gz").toString();
        assertTrue(e.getMessage().startsWith(images + ": holds 10 images but " + labels + " holds 9 labels"), e.getMessage());
    }

    @Test
    void unlistedFilesNeedAnExplicitOptOut() throws IOException {
        Manifest listed = writeSet(dir, 20, 20, 10, 10);
        Map<String, String> withoutTrainImages = new HashMap<>();
        for (String name : FILES)
            if (!name.equals(FashionMnist.TRAIN_IMAGES)) withoutTrainImages.put(name, listed.digest(name).orElseThrow());
        var e = assertThrows(DataFileException.class,
                () -> FashionMnist.fromDirectory(dir, Manifest.of(withoutTrainImages), "test"));
        assertTrue(e.getMessage().startsWith(dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("has no entry 'train-images-idx3-ubyte'"), e.getMessage());
        assertEquals(20, FashionMnist.fromDirectory(dir, listed, "test").train().size());

        // Other data under the Fashion-MNIST names (plain MNIST uses the same ones) fails the
        // project's manifest, and loads once verification is explicitly turned off.
        e = assertThrows(DataFileException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not match the manifest: expected "
                + Manifest.bundled().digest(FashionMnist.TRAIN_IMAGES).orElseThrow()), e.getMessage());
        FashionMnist data = FashionMnist.load(dir, false);
        assertEquals(20, data.train().size());
        assertEquals(10, data.test().size());
        assertEquals(dir.toString(), data.source());
    }

    @Test
    void aCopyOfTheBundledSubsetElsewhereIsCheckedAgainstItsOwnEntries() throws IOException {
        // Outside datasets/ (as ALEXLAB_DATA may name it from a program run elsewhere), the folder's
        // name says which manifest entries are its own; once the full set's were used, and failed.
        Path copy = Files.createDirectories(dir.resolve(FashionMnist.BUNDLED_FOLDER));
        for (String name : FILES)
            Files.copy(bundled().resolve(name + ".gz"), copy.resolve(name + ".gz"));
        FashionMnist data = FashionMnist.fromDirectory(copy, Manifest.bundled(), "a copy");
        assertEquals(2000, data.train().size());
        assertEquals(1000, data.test().size());
    }

    @Test
    void plainFilesWork() throws IOException {
        Files.write(dir.resolve(FashionMnist.TRAIN_IMAGES), images(4, 28, 28));
        Files.write(dir.resolve(FashionMnist.TRAIN_LABELS), labels(4));
        Files.write(dir.resolve(FashionMnist.TEST_IMAGES), images(2, 28, 28));
        Files.write(dir.resolve(FashionMnist.TEST_LABELS), labels(2));
        FashionMnist data = FashionMnist.load(dir, false);
        assertEquals(4, data.train().size());
        // pixel 3 of example 1 is (1 + 3) / 255
        assertEquals(4 / 255.0, data.train().images().getDouble(1, 0, 0, 3), 1e-6);
        assertEquals(1, data.train().label(1));
    }

    // ---- Download -----------------------------------------------------------------------------

    /** A manifest listing the bundled subset under the bare names, as if it were the full set. */
    private static Manifest subsetAsFullSet() throws IOException {
        Manifest bundled = Manifest.bundled();
        Map<String, String> digests = new HashMap<>();
        for (String name : FILES)
            digests.put(name, bundled.digest(FashionMnist.BUNDLED_FOLDER + "/" + name).orElseThrow());
        return Manifest.of(digests);
    }

    /** Serves the bundled files; {@code corrupt} names one whose bytes are changed. */
    private static HttpServer serve(AtomicInteger requests, String corrupt) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring(1);
            Path file = bundled().resolve(name);
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            if (name.equals(corrupt)) body = gzip(labels(2000)); // valid IDX, wrong content
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void downloadsIntoTheCacheAndVerifies() throws IOException {
        var requests = new AtomicInteger();
        HttpServer server = serve(requests, null);
        try {
            Path cache = dir.resolve("cache");
            FashionMnist data = FashionMnist.download(url(server), cache, subsetAsFullSet());
            assertEquals(4, requests.get());
            assertEquals(2000, data.train().size());
            assertTrue(data.source().contains(cache.toString()), data.source());
            for (String name : FILES)
                assertArrayEquals(Files.readAllBytes(bundled().resolve(name + ".gz")), Files.readAllBytes(cache.resolve(name + ".gz")));
            try (Stream<Path> files = Files.list(cache)) {
                assertEquals(4, files.count(), "only the four files, no temporary ones");
            }
            // a second load reads the cache
            FashionMnist again = FashionMnist.download(url(server), cache, subsetAsFullSet());
            assertEquals(4, requests.get());
            assertEquals(data.test().labels(), again.test().labels());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void corruptedDownloadIsRejectedAndNotKept() throws IOException {
        var requests = new AtomicInteger();
        String corrupt = FashionMnist.TRAIN_LABELS + ".gz";
        HttpServer server = serve(requests, corrupt);
        try {
            Path cache = dir.resolve("cache");
            var e = assertThrows(DataFileException.class, () -> FashionMnist.download(url(server), cache, subsetAsFullSet()));
            assertTrue(e.getMessage().startsWith(cache.resolve(corrupt) + ": download from " + url(server) + corrupt + " rejected"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("expected " + subsetAsFullSet().digest(FashionMnist.TRAIN_LABELS).orElseThrow()),
                    e.getMessage());
            assertFalse(Files.exists(cache.resolve(corrupt)));
            try (Stream<Path> files = Files.list(cache)) {
                assertEquals(Set.of(FashionMnist.TRAIN_IMAGES + ".gz"),
                        files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                        "the verified file stays, the rejected one and its temporary file are gone");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void missingDownloadSaysHttpStatus() throws IOException {
        HttpServer server = serve(new AtomicInteger(), null);
        try {
            var e = assertThrows(DataFileException.class,
                    () -> FashionMnist.download(url(server) + "nothing/", dir, subsetAsFullSet()));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableServerNamesTheUrlAndTheCacheAndWritesNothing() throws IOException {
        Path cache = dir.resolve("cache");
        // port 1 on the loopback: nothing listens there, so the connection is refused at once
        var e = assertThrows(DataFileException.class,
                () -> FashionMnist.download("http://127.0.0.1:1/", cache, subsetAsFullSet()));
        assertTrue(e.getMessage().contains("could not download http://127.0.0.1:1/" + FashionMnist.TRAIN_IMAGES + ".gz"), e.getMessage());
        assertTrue(e.getMessage().contains("offline"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was written to " + cache), e.getMessage());
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(0, files.count(), "no partial file is left in the cache");
        }
    }

    @Test
    void downloadReportsProgressUpToEachFilesSize() throws IOException {
        HttpServer server = serve(new AtomicInteger(), null);
        Map<String, long[]> last = new HashMap<>();
        try {
            Path cache = dir.resolve("cache");
            FashionMnist.download(url(server), cache, subsetAsFullSet(),
                    (file, bytes, total) -> last.put(file, new long[]{bytes, total}));
            assertEquals(4, last.size());
            for (String name : FILES) {
                long size = Files.size(bundled().resolve(name + ".gz"));
                assertArrayEquals(new long[]{size, size}, last.get(name + ".gz"), name);
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void dataNoteSaysWhenOnlyTheSubsetIsHere() {
        String note = FashionMnist.dataNote(Map.of("ALEXLAB_DATA", bundled().toString()));
        assertTrue(note.startsWith("Data: only a subset of Fashion-MNIST"), note);
        assertTrue(note.contains("2,000 training and 1,000 test images"), note);
        assertTrue(note.contains("--offline"), note);
        String missing = FashionMnist.dataNote(Map.of("ALEXLAB_DATA", dir.toString()));
        assertTrue(missing.startsWith("Data: ") && missing.contains("missing"), missing);
    }

    @Test
    void dataNoteNamesTheFullSet() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_PATH),
                FashionMnist.DEBIAN_PATH + " is not there (install the Debian package dataset-fashion-mnist)");
        String note = FashionMnist.dataNote(Map.of("ALEXLAB_DATA", FashionMnist.DEBIAN_PATH.toString()));
        assertEquals("Data: the full Fashion-MNIST, 60,000 training and 10,000 test images, from ALEXLAB_DATA="
                + FashionMnist.DEBIAN_PATH + ".", note);
    }

    @Test
    void idxCountReadsOnlyTheHeader() throws IOException {
        assertEquals(2000, Idx.count(bundled().resolve(FashionMnist.TRAIN_IMAGES + ".gz")));
        assertEquals(1000, Idx.count(bundled().resolve(FashionMnist.TEST_LABELS + ".gz")));
        Path junk = Files.writeString(dir.resolve("junk"), "not idx");
        assertThrows(DataFileException.class, () -> Idx.count(junk));
    }

    @Test
    void downloadSettings() {
        String old = System.getProperty("alexlab.download.url");
        try {
            System.setProperty("alexlab.download.url", "http://localhost:1/data");
            assertEquals("http://localhost:1/data/", FashionMnist.downloadUrl());
            System.clearProperty("alexlab.download.url");
            assertEquals(FashionMnist.OFFICIAL_URL, FashionMnist.downloadUrl());
        } finally {
            if (old != null) System.setProperty("alexlab.download.url", old);
        }
    }
}
