package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.Dataset;
import io.github.alexlab.data.Datasets;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.nn.CpuEngine;
import io.github.alexlab.nn.Sequential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the trained networks shipped in {@code datasets/checkpoints/} (run by
 * {@code ./install.sh checkpoints [--budget small|full] [--out DIR]}). For each {@link TrainingRecipe}:
 * <ol>
 *   <li>train a fresh network from the recipe's seeds on the training images;</li>
 *   <li>measure its accuracy on every test image;</li>
 *   <li>save it as safetensors, with the recipe, the data and that accuracy in its metadata;</li>
 *   <li>write its SHA-256 into SHA256SUMS, which {@link Pretrained} checks before it loads it.</li>
 * </ol>
 * The full budget is each recipe's epochs on all 60,000 training images, into {@code datasets/};
 * the small one 1 epoch on 2,000 images, into {@code build/checkpoints/}, to try the pipeline in a
 * minute. Nothing in a file depends on the time or the machine it was made on: the same seeds and
 * data give the same weights, and on the same machine the same bytes.
 */
public final class MakeCheckpoints {
    /** The images the test accuracy is measured with in one batch; notebook 07 evaluates the same way. */
    static final int TEST_BATCH = 500;

    private MakeCheckpoints() {
    }

    /** What a budget trains: {@code epochs} (0: the recipe's own) on at most {@code images} training images. */
    record Plan(String name, int epochs, int images) {
        static final Plan FULL = new Plan("full", 0, Integer.MAX_VALUE);
        static final Plan SMALL = new Plan("small", 1, 2000);

        int epochsOf(TrainingRecipe recipe) {
            return epochs == 0 ? recipe.epochs() : epochs;
        }
    }

    /** One checkpoint made: the trained network, its file, SHA-256, test score and training time. */
    record Made(TrainingRecipe recipe, Sequential model, Path file, String sha256, int epochs, int trainImages,
                long correct, long testImages, double seconds) {
        double accuracy() {
            return (double) correct / testImages;
        }
    }

    public static void main(String[] args) throws IOException {
        CpuEngine.choose(); // the fastest native build, as the kernel has it: the notebooks' numbers
        try {
            main(arguments(args));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("checkpoints: error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** The budget and the folder the arguments name. */
    private record Arguments(Plan budget, Path out) {
    }

    private static Arguments arguments(String[] args) {
        Plan budget = Plan.FULL;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--budget" -> {
                    String value = i + 1 < args.length ? args[++i] : "";
                    budget = switch (value) {
                        case "full" -> Plan.FULL;
                        case "small" -> Plan.SMALL;
                        default -> throw usage("--budget takes small or full, not '" + value + "'");
                    };
                }
                case "--out" -> {
                    if (i + 1 >= args.length)
                        throw usage("--out needs a folder");
                    out = Path.of(args[++i]);
                }
                default -> throw usage("unknown argument '" + args[i] + "'");
            }
        }
        return new Arguments(budget, out);
    }

    private static void main(Arguments arguments) throws IOException {
        Plan budget = arguments.budget();
        Path out = arguments.out();
        Path datasets = Datasets.folder().orElseThrow(() -> new IllegalStateException(
                "no datasets/ folder found: run this inside the AlexLab checkout (or set -D" + Datasets.PROPERTY + ")"));
        Path shipped = datasets.resolve(Pretrained.FOLDER);
        if (out == null)
            out = budget == Plan.FULL ? shipped : datasets.toAbsolutePath().getParent().resolve("build").resolve("checkpoints");
        run(budget, out.toAbsolutePath().normalize(), datasets);
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem + " (usage: ./install.sh checkpoints [--budget small|full] [--out DIR])");
    }

    private static void run(Plan budget, Path out, Path datasets) throws IOException {
        long start = System.nanoTime();
        // The full budget needs the full set; the small one takes whatever this machine has
        FashionMnist fashion = budget == Plan.FULL ? FashionMnist.full() : FashionMnist.largestAvailable();
        if (budget == Plan.FULL && fashion.train().size() < 60_000)
            throw new IllegalStateException("the full budget trains on all 60,000 training images, but " + fashion
                    + " has " + fashion.train().size() + ": unset ALEXLAB_DATA, or run ./install.sh setup to get the full set");
        Dataset train = fashion.train().limit(Math.min(budget.images(), fashion.train().size()));
        Dataset test = fashion.test();
        Path shipped = datasets.resolve(Pretrained.FOLDER).toAbsolutePath().normalize();
        boolean intoDatasets = out.equals(shipped);
        Path sums = intoDatasets ? datasets.resolve("SHA256SUMS") : out.resolve("SHA256SUMS");
        System.out.printf(Locale.ROOT, "Making checkpoints (budget %s) into %s; data: %s; testing on all %,d test images%n%s%n",
                budget.name(), out, fashion.source(), test.size(), CpuEngine.describe());

        // What the shipped checkpoints recorded, read before any of them is replaced
        List<TrainingRecipe> recipes = TrainingRecipe.all();
        Map<String, Map<String, String>> before = new LinkedHashMap<>();
        Map<String, String> beforeSha = new LinkedHashMap<>();
        for (TrainingRecipe recipe : recipes) {
            Path file = shipped.resolve(Pretrained.fileName(recipe));
            if (Files.isRegularFile(file)) {
                before.put(recipe.name(), Checkpoint.metadata(file));
                beforeSha.put(recipe.name(), Pretrained.sha256(file));
            }
        }

        Files.createDirectories(out);
        List<Made> made = new ArrayList<>();
        for (TrainingRecipe recipe : recipes) {
            System.out.println();
            System.out.println("== " + recipe.name() + ": " + recipe
                    + (budget.epochsOf(recipe) == recipe.epochs() ? "" : " (this budget: " + budget.epochsOf(recipe) + ")")
                    + "; on " + String.format(Locale.ROOT, "%,d", train.size()) + " training images");
            Made m = make(recipe, train, test, budget.epochsOf(recipe), false, out);
            made.add(m);
            System.out.printf(Locale.ROOT, "%s: test accuracy %.2f%% (%,d of %,d), trained in %.0f s; %s, %,d bytes, SHA-256 %s%n",
                    recipe.name(), 100 * m.accuracy(), m.correct(), m.testImages(), m.seconds(), m.file(),
                    Files.size(m.file()), m.sha256());
            // At once, so that a run stopped later leaves no file without its sum
            updateSums(sums, Map.of(intoDatasets ? Pretrained.manifestEntry(recipe) : Pretrained.fileName(recipe), m.sha256()));
            System.out.println("its SHA-256 is in " + sums);
        }

        System.out.println();
        System.out.println("Against the checkpoints that were in datasets/" + Pretrained.FOLDER + "/ before this run:");
        for (Made m : made)
            System.out.println("  " + comparison(m, before.get(m.recipe().name()), beforeSha.get(m.recipe().name())));
        System.out.printf(Locale.ROOT, "done in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** How this run's checkpoint compares with the one that was shipped: within 0.3 point, the same bytes? */
    static String comparison(Made m, Map<String, String> shipped, String shippedSha) {
        if (shipped == null)
            return m.recipe().name() + ": none was there";
        String epochs = shipped.get("epochs"), images = shipped.get("train_images");
        String correct = shipped.get("test_correct"), testImages = shipped.get("test_images");
        if (correct == null || testImages == null || epochs == null || images == null)
            return m.recipe().name() + ": the one there records no budget or test accuracy";
        if (Integer.parseInt(epochs) != m.epochs() || Integer.parseInt(images) != m.trainImages()
                || Long.parseLong(testImages) != m.testImages())
            return String.format(Locale.ROOT, "%s: made with another budget (%s epochs on %s images, tested on %s): not comparable",
                    m.recipe().name(), epochs, images, testImages);
        double then = Double.parseDouble(correct) / Double.parseDouble(testImages);
        double points = 100 * (m.accuracy() - then);
        return String.format(Locale.ROOT, "%s: %.2f%% then, %.2f%% now: %+.2f points (within 0.3: %s); same bytes: %s",
                m.recipe().name(), 100 * then, 100 * m.accuracy(), points, Math.abs(points) <= 0.3 ? "yes" : "NO",
                m.sha256().equals(shippedSha) ? "yes" : "no");
    }

    /**
     * Trains {@code recipe} for {@code epochs} on {@code train}, measures it on all of {@code test},
     * and saves it as {@code out/NAME.safetensors} with how it was made in its metadata.
     */
    static Made make(TrainingRecipe recipe, Dataset train, Dataset test, int epochs, boolean quiet, Path out) {
        long start = System.nanoTime();
        Sequential model = recipe.freshModel();
        DataLoader loader = recipe.loader(train);
        int steps = loader.numberOfBatches();
        // No test pass after each epoch (the test set is measured once, at the end): a line per epoch instead
        History history = recipe.trainer(model, epochs).quiet().afterEachStep(done -> {
            if (!quiet && done % steps == 0)
                System.out.printf(Locale.ROOT, "  epoch %d of %d done, %.0f s so far%n", done / steps, epochs,
                        (System.nanoTime() - start) / 1e9);
        }).fit(loader, null, epochs);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!quiet)
            for (History.Epoch e : history.epochs())
                System.out.printf(Locale.ROOT, "  epoch %d: train loss %.4f, train accuracy %.2f%%, %.0f s (learning rate at its end %.4f)%n",
                        e.epoch(), e.trainLoss(), 100 * e.trainAccuracy(), e.seconds(), e.learningRate());
        Evaluation evaluation = Evaluation.of(model, new DataLoader(test, TEST_BATCH), FashionMnist.CLASS_NAMES);
        long correct = Math.round(evaluation.accuracy() * evaluation.examples());

        Map<String, String> metadata = recipe.metadata(epochs);
        metadata.put("train_data", train.size() >= 60_000 ? "Fashion-MNIST, all 60000 training images"
                : "Fashion-MNIST, the first " + train.size() + " training images");
        metadata.put("train_images", Integer.toString(train.size()));
        metadata.put("test_images", Long.toString(evaluation.examples()));
        metadata.put("test_correct", Long.toString(correct));
        metadata.put("test_accuracy", String.format(Locale.ROOT, "%.4f", evaluation.accuracy()));
        metadata.put("made_by", "./install.sh checkpoints (io.github.alexlab.train.MakeCheckpoints)");
        Path file = out.resolve(Pretrained.fileName(recipe));
        Checkpoint.save(model, file, metadata);
        return new Made(recipe, model, file, Pretrained.sha256(file), epochs, train.size(), correct, evaluation.examples(), seconds);
    }

    /**
     * Sets the SHA-256 of each entry in the manifest {@code sums} (a line {@code <sha256>  <name>}),
     * replacing an entry's old line where it had one and adding it at the end otherwise; every other
     * line stays as it was. The new manifest replaces the old one whole (written next to it, then renamed).
     */
    static void updateSums(Path sums, Map<String, String> entries) throws IOException {
        List<String> lines = Files.isRegularFile(sums) ? new ArrayList<>(Files.readAllLines(sums, StandardCharsets.UTF_8)) : new ArrayList<>();
        Map<String, String> left = new LinkedHashMap<>(entries);
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).trim().split("\\s+\\*?", 2);
            Optional<String> name = parts.length == 2 && !lines.get(i).startsWith("#") ? Optional.of(parts[1]) : Optional.empty();
            if (name.isPresent() && left.containsKey(name.get()))
                lines.set(i, left.remove(name.get()) + "  " + name.get());
        }
        left.forEach((name, digest) -> lines.add(digest + "  " + name));
        Path temp = sums.resolveSibling(sums.getFileName() + ".new");
        Files.write(temp, lines, StandardCharsets.UTF_8);
        Files.move(temp, sums, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
