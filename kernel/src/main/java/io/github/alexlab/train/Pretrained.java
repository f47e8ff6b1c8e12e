package io.github.alexlab.train;

import io.github.alexlab.data.Datasets;
import io.github.alexlab.data.Manifest;
import io.github.alexlab.nn.Sequential;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A trained network shipped with the course: the weights of {@code datasets/checkpoints/NAME.safetensors},
 * loaded into a fresh network of the right architecture, so that a notebook starts from a trained
 * network in seconds.
 * <pre>
 *   var shipped = Pretrained.lenet5();
 *   Sequential lenet = shipped.model();
 *   System.out.println(shipped); // how it was made: epochs, images, test accuracy
 * </pre>
 * Before a byte of the file is read as weights, its SHA-256 is checked against
 * {@code datasets/SHA256SUMS}: a file that was changed or damaged, or one the manifest does not list,
 * is refused with a {@link CheckpointException} that names the file, both digests and what to do.
 * The files were made by {@link MakeCheckpoints} ({@code ./install.sh checkpoints}) with a
 * {@link TrainingRecipe}, and their metadata says how.
 */
public final class Pretrained {
    /** The checkpoints' folder inside {@code datasets/}. */
    public static final String FOLDER = "checkpoints";

    private final TrainingRecipe recipe;
    private final Path file;
    private final String sha256;
    private final Sequential model;
    private final Map<String, String> metadata;

    private Pretrained(TrainingRecipe recipe, Path file, String sha256, Sequential model, Map<String, String> metadata) {
        this.recipe = recipe;
        this.file = file;
        this.sha256 = sha256;
        this.model = model;
        this.metadata = metadata;
    }

    /** The trained LeNet-5 (modern) of notebook 07. */
    public static Pretrained lenet5() {
        return load(TrainingRecipe.lenet5());
    }

    /** The trained small AlexNet (notebook 04's step 8) of notebook 07. */
    public static Pretrained smallAlexNet() {
        return load(TrainingRecipe.smallAlexNet());
    }

    /** The shipped checkpoint of {@code recipe}, from the project's {@code datasets/} folder. */
    public static Pretrained load(TrainingRecipe recipe) {
        Optional<Path> datasets = Datasets.folder();
        Path relative = Path.of("datasets", FOLDER, fileName(recipe));
        if (datasets.isEmpty())
            throw new CheckpointException(relative, "cannot be found", List.of(
                    "no datasets/ folder with a SHA256SUMS above the working directory, and the system property "
                            + Datasets.PROPERTY + " is not set: run the notebook inside the AlexLab checkout"));
        return load(recipe, datasets.get());
    }

    /**
     * The checkpoint of {@code recipe} in {@code datasets}/checkpoints/, checked against
     * {@code datasets}/SHA256SUMS first.
     */
    public static Pretrained load(TrainingRecipe recipe, Path datasets) {
        Path file = datasets.resolve(FOLDER).resolve(fileName(recipe));
        String entry = manifestEntry(recipe);
        String remake = "./install.sh checkpoints (a minute or two on 2 cores; it also writes the new SHA-256 into SHA256SUMS)";
        if (!Files.isRegularFile(file))
            throw new CheckpointException(file, "is missing", List.of(
                    "the course ships it in datasets/" + FOLDER + "/: restore it with git checkout -- datasets/" + entry
                            + ", or make it again with " + remake));

        Path sums = datasets.resolve("SHA256SUMS");
        Optional<String> expected;
        try {
            expected = Manifest.read(sums).digest(entry);
        } catch (IOException e) {
            throw new CheckpointException(file, "is refused: its SHA-256 cannot be checked", List.of(
                    "cannot read the manifest: " + e.getMessage(),
                    "restore it with git checkout -- datasets/SHA256SUMS"));
        }
        String actual = sha256(file);
        if (expected.isEmpty())
            throw new CheckpointException(file, "is refused: " + sums + " has no SHA-256 for it", List.of(
                    "expected: a line '<sha256>  " + entry + "' in SHA256SUMS; there is none",
                    "actual SHA-256 of the file: " + actual,
                    "an unlisted file is never loaded; " + remake + " makes it and writes the line"));
        if (!expected.get().equals(actual))
            throw new CheckpointException(file, "is refused: its SHA-256 does not match " + sums, List.of(
                    "expected SHA-256 (SHA256SUMS): " + expected.get(),
                    "actual SHA-256 of the file:    " + actual,
                    "the file was changed or damaged after it was made: restore the shipped one with git checkout -- datasets/"
                            + entry + ", or make it again with " + remake));

        Sequential model = recipe.freshModel();
        Checkpoint.load(model, file); // checks every name, shape and type, and changes the model only if all fit
        model.train(false); // evaluation mode (dropout off), as training leaves a network
        return new Pretrained(recipe, file, actual, model, Checkpoint.metadata(file));
    }

    /** {@code NAME.safetensors}. */
    public static String fileName(TrainingRecipe recipe) {
        return recipe.name() + ".safetensors";
    }

    /** The checkpoint's name in {@code datasets/SHA256SUMS}: {@code checkpoints/NAME.safetensors}. */
    public static String manifestEntry(TrainingRecipe recipe) {
        return FOLDER + "/" + fileName(recipe);
    }

    /** The SHA-256 of a file's bytes, in hex, as {@code sha256sum} prints it. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; )
                digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e); // every Java has it
        }
    }

    // ---- what it is ---------------------------------------------------------------------------

    /** The trained network, in evaluation mode (dropout off) as training leaves it. */
    public Sequential model() {
        return model;
    }

    /** The recipe it was trained with. */
    public TrainingRecipe recipe() {
        return recipe;
    }

    public Path file() {
        return file;
    }

    /** The file's SHA-256, as checked. */
    public String sha256() {
        return sha256;
    }

    /** How it was made, as the file records it: seeds, epochs, learning rate, data, test accuracy. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The epochs it was trained for. */
    public int epochs() {
        return number("epochs");
    }

    /** The training images it saw each epoch. */
    public int trainImages() {
        return number("train_images");
    }

    /** The test images its recorded accuracy was measured on. */
    public int testImages() {
        return number("test_images");
    }

    /** Its test accuracy when it was made, measured by the script that made it. */
    public double testAccuracy() {
        return (double) number("test_correct") / testImages();
    }

    private int number(String key) {
        String value = metadata.get(key);
        if (value == null)
            throw new CheckpointException(file, "has no '" + key + "' in its metadata", List.of(
                    "it was not made by ./install.sh checkpoints; make it again with that"));
        return Integer.parseInt(value);
    }

    /** One sentence: what it is, how it was made and how it scored then. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s from datasets/%s (SHA-256 %s... checked): trained for %d epochs on %,d images "
                        + "by %s, test accuracy %.2f%% on %,d test images when made",
                recipe.network(), manifestEntry(recipe), sha256.substring(0, 12), epochs(), trainImages(),
                metadata.getOrDefault("made_by", "an unknown script"), 100 * testAccuracy(), testImages());
    }
}
