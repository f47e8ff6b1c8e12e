package io.github.alexlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research, 2017): 28x28 grey images of
 * clothing in 10 classes, 60000 for training and 10000 for testing, in the same IDX files as
 * MNIST. {@link #load()} finds the data, checks every file against {@code datasets/SHA256SUMS}
 * and returns the training and test sets.
 * <p>
 * Where {@link #load()} looks, in this order:
 * <ol>
 *   <li>the folder named by the environment variable {@code ALEXLAB_DATA};</li>
 *   <li>the bundled subset {@code datasets/fashion-mnist-small} (2000 train, 1000 test);</li>
 *   <li>{@code /usr/share/datasets/fashion-mnist} (the Debian package dataset-fashion-mnist);</li>
 *   <li>a download from the official source into {@code ~/.cache/alexlab/fashion-mnist}.</li>
 * </ol>
 * {@link #full()} skips the bundled subset: it is for training on all 60000 images.
 */
public final class FashionMnist {
    /** The ten classes, in label order. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The official download location. */
    public static final String OFFICIAL_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    /** Where the Debian package dataset-fashion-mnist puts the files. */
    public static final Path DEBIAN_PATH = Path.of("/usr/share/datasets/fashion-mnist");
    /** The bundled subset's folder inside {@code datasets/}. */
    public static final String BUNDLED_FOLDER = "fashion-mnist-small";

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private final Dataset train;
    private final Dataset test;
    private final String source;

    private FashionMnist(Dataset train, Dataset test, String source) {
        this.train = train;
        this.test = test;
        this.source = source;
    }

    // ---- Finding the data ---------------------------------------------------------------------

    /** The data from the first place that has it (see the class comment), verified. */
    public static FashionMnist load() throws IOException {
        return resolve(System.getenv(), true);
    }

    /** The full 60000/10000 set: like {@link #load()} without the bundled subset. */
    public static FashionMnist full() throws IOException {
        return resolve(System.getenv(), false);
    }

    /**
     * The full set when this machine already has it ({@code ALEXLAB_DATA}, the Debian package, an
     * earlier download), else the bundled subset; it downloads only when even the subset is missing.
     * Notebooks that train use this: all 60000 images where they are, and offline on a fresh checkout.
     */
    public static FashionMnist largestAvailable() throws IOException {
        Map<String, String> environment = System.getenv();
        String explicit = environment.get("ALEXLAB_DATA");
        boolean fullHere = (explicit != null && !explicit.isBlank()) || hasAllFiles(DEBIAN_PATH) || hasAllFiles(cacheDirectory());
        return resolve(environment, !fullHere); // an earlier download is found again, not fetched again
    }

    /** The data in {@code dir}, verified against the manifest. */
    public static FashionMnist load(Path dir) throws IOException {
        return load(dir, true);
    }

    /**
     * The data in {@code dir}. With {@code verify} false no digest is checked, for IDX files the
     * manifest does not list (plain MNIST, say); the format is checked either way.
     */
    public static FashionMnist load(Path dir, boolean verify) throws IOException {
        return fromDirectory(dir, verify ? Manifest.bundled() : null, dir.toString());
    }

    /** The resolution order, with the environment passed in so a test can set it. */
    static FashionMnist resolve(Map<String, String> environment, boolean includeBundled) throws IOException {
        String explicit = environment.get("ALEXLAB_DATA");
        if (explicit != null && !explicit.isBlank()) {
            Path dir = Path.of(explicit);
            if (!hasAllFiles(dir))
                throw new DataFileException(dir, "ALEXLAB_DATA names this folder, but it lacks some of " + FILES + " (.gz or plain)");
            return fromDirectory(dir, Manifest.bundled(), "ALEXLAB_DATA=" + dir);
        }
        if (includeBundled) {
            Optional<Path> datasets = Datasets.folder();
            if (datasets.isPresent() && hasAllFiles(datasets.get().resolve(BUNDLED_FOLDER)))
                return fromDirectory(datasets.get().resolve(BUNDLED_FOLDER), Manifest.bundled(), "bundled subset (datasets/" + BUNDLED_FOLDER + ")");
        }
        if (hasAllFiles(DEBIAN_PATH))
            return fromDirectory(DEBIAN_PATH, Manifest.bundled(), DEBIAN_PATH.toString());
        return download(downloadUrl(), cacheDirectory(), Manifest.bundled());
    }

    /** The download base URL: the system property {@code alexlab.download.url}, else the official one. */
    static String downloadUrl() {
        String url = System.getProperty("alexlab.download.url", OFFICIAL_URL);
        return url.endsWith("/") ? url : url + "/";
    }

    /** The download cache: the system property {@code alexlab.cache}, else ~/.cache/alexlab/fashion-mnist. */
    static Path cacheDirectory() {
        String cache = System.getProperty("alexlab.cache");
        if (cache != null && !cache.isBlank()) return Path.of(cache);
        return Path.of(System.getProperty("user.home"), ".cache", "alexlab", "fashion-mnist");
    }

    /**
     * The folder {@link #largestAvailable()} reads from, found without reading the data: the
     * {@code ALEXLAB_DATA} folder, the Debian package, an earlier download, else the bundled subset.
     */
    static Optional<Path> largestFolder(Map<String, String> environment) {
        String explicit = environment.get("ALEXLAB_DATA");
        if (explicit != null && !explicit.isBlank()) return Optional.of(Path.of(explicit));
        if (hasAllFiles(DEBIAN_PATH)) return Optional.of(DEBIAN_PATH);
        if (hasAllFiles(cacheDirectory())) return Optional.of(cacheDirectory());
        return Datasets.folder().map(datasets -> datasets.resolve(BUNDLED_FOLDER)).filter(FashionMnist::hasAllFiles);
    }

    /**
     * One sentence for the top of a notebook: which data its figures will come from. On a machine
     * with only the bundled subset it says so, and how to get the full set. Reads file headers only.
     */
    public static String dataNote() {
        return dataNote(System.getenv());
    }

    static String dataNote(Map<String, String> environment) {
        Optional<Path> folder = largestFolder(environment);
        if (folder.isEmpty())
            return "Data: no Fashion-MNIST found (neither datasets/" + BUNDLED_FOLDER + " nor the full set); "
                    + "run the notebook inside the AlexLab checkout, or run ./install.sh setup.";
        Path dir = folder.get();
        int train, test;
        try {
            train = Idx.count(locate(dir, TRAIN_LABELS));
            test = Idx.count(locate(dir, TEST_LABELS));
        } catch (IOException e) {
            return "Data: " + e.getMessage();
        }
        String explicit = environment.get("ALEXLAB_DATA");
        String where = explicit != null && !explicit.isBlank() ? "ALEXLAB_DATA=" + dir
                : dir.equals(DEBIAN_PATH) ? dir + " (the Debian package dataset-fashion-mnist)"
                : dir.equals(cacheDirectory()) ? dir + " (downloaded by ./install.sh setup)"
                : "datasets/" + BUNDLED_FOLDER + " (the subset bundled with the course)";
        String counts = String.format(Locale.ROOT, "%,d training and %,d test images", train, test);
        if (train >= 60_000)
            return "Data: the full Fashion-MNIST, " + counts + ", from " + where + ".";
        return "Data: only a subset of Fashion-MNIST is used here, " + counts + ", from " + where
                + ". Accuracies are lower and noisier than on the full set (60,000 and 10,000 images), "
                + "which ./install.sh setup installs unless it runs with --offline.";
    }

    // ---- Reading a folder ---------------------------------------------------------------------

    /**
     * Reads the four files of {@code dir}. Each file's manifest entry is its bare name, or
     * {@code fashion-mnist-small/<name>} for the bundled subset (any folder inside datasets/ is
     * listed under its path there; a copy elsewhere under its folder's name). A null manifest
     * skips the digest check.
     */
    static FashionMnist fromDirectory(Path dir, Manifest manifest, String source) throws IOException {
        String prefix = manifestPrefix(dir, manifest);
        IdxData trainImages = read(dir, TRAIN_IMAGES, 3, manifest, prefix);
        IdxData trainLabels = read(dir, TRAIN_LABELS, 1, manifest, prefix);
        IdxData testImages = read(dir, TEST_IMAGES, 3, manifest, prefix);
        IdxData testLabels = read(dir, TEST_LABELS, 1, manifest, prefix);
        return new FashionMnist(
                Dataset.fromIdx("Fashion-MNIST train", trainImages, trainLabels),
                Dataset.fromIdx("Fashion-MNIST test", testImages, testLabels),
                source);
    }

    private static IdxData read(Path dir, String name, int dimensions, Manifest manifest, String prefix) throws IOException {
        Path file = locate(dir, name);
        String expected = manifest == null ? null : manifest.require(prefix + name, file);
        return Idx.read(file, dimensions, expected);
    }

    /** {@code name.gz} when present, else the plain {@code name}. */
    private static Path locate(Path dir, String name) throws DataFileException {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        throw new DataFileException(gz, "missing (neither " + name + ".gz nor " + name + " is in " + dir + ")");
    }

    private static boolean hasAllFiles(Path dir) {
        return FILES.stream().allMatch(name ->
                Files.isRegularFile(dir.resolve(name + ".gz")) || Files.isRegularFile(dir.resolve(name)));
    }

    /**
     * Its path inside datasets/ and a slash for a folder there; for a folder elsewhere its name and a
     * slash when the manifest lists files under that name (a copy of the bundled subset, read from a
     * program that does not know where datasets/ is), else "".
     */
    private static String manifestPrefix(Path dir, Manifest manifest) {
        Optional<Path> datasets = Datasets.folder();
        Path absolute = dir.toAbsolutePath().normalize();
        if (datasets.isPresent() && absolute.startsWith(datasets.get()) && !absolute.equals(datasets.get()))
            return datasets.get().relativize(absolute).toString().replace('\\', '/') + "/";
        Path name = absolute.getFileName();
        if (manifest != null && name != null && manifest.digest(name + "/" + TRAIN_IMAGES).isPresent())
            return name + "/";
        return "";
    }

    // ---- Downloading --------------------------------------------------------------------------

    /** Told how far a download has come: the file, bytes so far, and its size (-1 if unknown). */
    @FunctionalInterface
    public interface DownloadProgress {
        DownloadProgress SILENT = (file, bytes, total) -> {};

        void update(String file, long bytes, long total);
    }

    /** {@link #download(String, Path, Manifest, DownloadProgress)} without progress reports. */
    static FashionMnist download(String baseUrl, Path cache, Manifest manifest) throws IOException {
        return download(baseUrl, cache, manifest, DownloadProgress.SILENT);
    }

    /**
     * Downloads the files the cache lacks from {@code baseUrl}, then reads the cache. Each file
     * goes to a temporary name first and is checked (SHA-256 of its decompressed content) before
     * it is renamed into place, so the cache never holds a partial or corrupted file.
     */
    static FashionMnist download(String baseUrl, Path cache, Manifest manifest, DownloadProgress progress) throws IOException {
        Files.createDirectories(cache);
        for (String name : FILES) {
            Path target = cache.resolve(name + ".gz");
            if (Files.isRegularFile(target)) continue;
            URL url = URI.create(baseUrl).resolve(name + ".gz").toURL();
            Path temp = Files.createTempFile(cache, name + ".", ".part");
            try {
                try {
                    fetch(url, temp, name + ".gz", progress);
                } catch (IOException e) {
                    // An unreachable network, a refused connection, an HTTP error: the file never arrived.
                    throw new DataFileException(target, "could not download " + url + " (" + describe(e)
                            + "); nothing was written to " + cache, e);
                }
                try {
                    Idx.read(temp, name.contains("images") ? 3 : 1, manifest.require(name, target));
                } catch (IOException e) {
                    throw new DataFileException(target, "download from " + url + " rejected: " + e.getMessage(), e);
                }
                moveIntoPlace(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return fromDirectory(cache, manifest, "downloaded from " + baseUrl + " into " + cache);
    }

    /** An I/O failure in words: an unknown host or a refused connection says which. */
    private static String describe(IOException e) {
        if (e instanceof UnknownHostException)
            return "unknown host " + e.getMessage() + ": is this machine offline?";
        if (e instanceof ConnectException || e instanceof SocketTimeoutException)
            return e.getMessage() + ": is this machine offline?";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void fetch(URL url, Path temp, String file, DownloadProgress progress) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout(30_000);
        connection.setReadTimeout(60_000);
        try {
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK)
                throw new IOException("HTTP " + status + " " + connection.getResponseMessage());
            long total = connection.getContentLengthLong();
            try (InputStream in = connection.getInputStream();
                 OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[1 << 16];
                long bytes = 0;
                progress.update(file, 0, total);
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    bytes += n;
                    progress.update(file, bytes, total);
                }
            }
        } finally {
            connection.disconnect();
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---- Access -------------------------------------------------------------------------------

    /** The training set: 60000 images (2000 in the bundled subset). */
    public Dataset train() {
        return train;
    }

    /** The test set: 10000 images (1000 in the bundled subset). */
    public Dataset test() {
        return test;
    }

    /** Where the data came from: a folder, "bundled subset", or the download. */
    public String source() {
        return source;
    }

    /** The name of class {@code label}, e.g. 9 is "Ankle boot". */
    public static String className(int label) {
        return CLASS_NAMES.get(label);
    }

    @Override
    public String toString() {
        return "Fashion-MNIST from " + source + ": " + train.size() + " train, " + test.size() + " test";
    }
}
