package io.github.alexlab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project's {@code datasets/} folder: the bundled subset and {@code SHA256SUMS} live
 * there. The system property {@code alexlab.datasets} names it directly (e.g. -Dalexlab.datasets=...);
 * otherwise the folder is looked for from the working directory upwards, so a notebook or a
 * test started anywhere inside the checkout finds it.
 */
public final class Datasets {
    /** System property naming the datasets folder. */
    public static final String PROPERTY = "alexlab.datasets";

    private Datasets() {}

    /** The datasets folder, if set by property or found above the working directory. */
    public static Optional<Path> folder() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank())
            return Optional.of(Path.of(property).toAbsolutePath().normalize());
        return findUpwards(Path.of("").toAbsolutePath());
    }

    /** The first {@code datasets/} holding a SHA256SUMS in {@code start} or one of its parents. */
    static Optional<Path> findUpwards(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("datasets");
            if (Files.isRegularFile(candidate.resolve("SHA256SUMS")))
                return Optional.of(candidate.normalize());
        }
        return Optional.empty();
    }
}
