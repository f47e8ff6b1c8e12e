package io.github.alexlab.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the full Fashion-MNIST (60,000 training and 10,000 test images) available to the course.
 * {@code ./install.sh setup} runs this when Debian's package could not be installed: it downloads
 * the four files into the cache ({@code ~/.cache/alexlab/fashion-mnist}) with a progress line, and
 * checks each one (SHA-256 of its decompressed content) before renaming it into place.
 * <p>
 * Exit status 0: the full set is on this machine; 1: it could not be fetched, and why is printed
 * (the course then runs on the bundled subset).
 */
public final class FetchFashionMnist {
    private FetchFashionMnist() {}

    public static void main(String[] args) {
        Map<String, String> environment = System.getenv();
        Optional<Path> folder = FashionMnist.largestFolder(environment);
        if (folder.isPresent() && !isBundled(folder.get())) {
            System.out.println("full Fashion-MNIST already here: " + folder.get());
            return;
        }
        String url = FashionMnist.downloadUrl();
        Path cache = FashionMnist.cacheDirectory();
        System.out.println("downloading Fashion-MNIST from " + url + " into " + cache);
        try {
            FashionMnist data = FashionMnist.download(url, cache, Manifest.bundled(), new ProgressLine());
            System.out.println("full Fashion-MNIST ready: " + data);
        } catch (IOException | RuntimeException e) {
            System.out.println();
            System.err.println("could not download the full Fashion-MNIST: " + e.getMessage());
            System.err.println("the course runs on the bundled subset; to get the full set later: apt-get install "
                    + "dataset-fashion-mnist, or put the four .gz files from " + url + " into " + cache);
            System.exit(1);
        }
    }

    private static boolean isBundled(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().equals(FashionMnist.BUNDLED_FOLDER);
    }

    /** One line per file, rewritten in place on a terminal; in a log, a line per finished file. */
    private static final class ProgressLine implements FashionMnist.DownloadProgress {
        private final boolean terminal = System.console() != null;
        private long lastPrint;

        @Override
        public void update(String file, long bytes, long total) {
            boolean done = total > 0 && bytes >= total;
            long now = System.nanoTime();
            if (!done && (!terminal || now - lastPrint < 250_000_000L)) return; // four updates a second
            lastPrint = now;
            String size = total > 0 ? String.format(Locale.ROOT, "%.1f of %.1f MB (%d%%)",
                    bytes / 1e6, total / 1e6, 100 * bytes / total) : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
            System.out.print((terminal ? "\r" : "") + "    " + file + ": " + size + (done ? "\n" : ""));
            System.out.flush();
        }
    }
}
