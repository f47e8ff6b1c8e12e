package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.Dataset;
import io.github.alexlab.data.ImageTransform;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.models.LeNetToAlexNet;
import io.github.alexlab.nn.Sequential;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * How one of the course's trained networks is made, written down once: the network and the seed of
 * its first weights; SGD with momentum 0.9 and weight decay 5e-4, its learning rate following a
 * cosine from the recipe's rate down to 0; batches of 128 images, shuffled from seed 42, each through
 * the recipe's transforms; and the number of epochs. Notebook 07 trains with it when it retrains,
 * and {@link MakeCheckpoints} ({@code ./install.sh checkpoints}) made the checkpoints shipped in
 * {@code datasets/checkpoints/} with it, so both train the same way.
 * <pre>
 *   var recipe = TrainingRecipe.lenet5();
 *   Sequential lenet = recipe.train(fashion.train(), testLoader, recipe.epochs());
 * </pre>
 * The same recipe, seeds and data give the same weights, bit for bit, on the same machine.
 */
public final class TrainingRecipe {
    public static final double MOMENTUM = 0.9;
    public static final double WEIGHT_DECAY = 5e-4;
    public static final int BATCH_SIZE = 128;
    public static final long SHUFFLE_SEED = 42;

    private final String name;
    private final String network;
    private final long initSeed;
    private final LongFunction<Sequential> build;
    private final double learningRate;
    private final int epochs;
    private final List<ImageTransform> transforms;

    private TrainingRecipe(String name, String network, long initSeed, LongFunction<Sequential> build,
                           double learningRate, int epochs, List<ImageTransform> transforms) {
        this.name = name;
        this.network = network;
        this.initSeed = initSeed;
        this.build = build;
        this.learningRate = learningRate;
        this.epochs = epochs;
        this.transforms = List.copyOf(transforms);
    }

    // ---- the recipes --------------------------------------------------------------------------

    /** LeNet-5 as notebooks 03 and 07 train it: the modern one, rate 0.05, 4 epochs, no augmentation. */
    public static TrainingRecipe lenet5() {
        return new TrainingRecipe("lenet5", "LeNet-5 (modern)", 1998, seed -> LeNet5.modern(10, seed),
                0.05, 4, List.of());
    }

    /**
     * The small AlexNet, the last 28x28 step of notebook 04's walk (step 8: five convolutions,
     * overlapping max-pooling, LRN, dropout), with that step's augmentation (random shifts and
     * flips): rate 0.02, 4 epochs.
     */
    public static TrainingRecipe smallAlexNet() {
        LeNetToAlexNet.Step step = LeNetToAlexNet.steps().get(8);
        return new TrainingRecipe("small-alexnet", "small AlexNet (notebook 04, step " + step.number() + ", " + step.name() + ")", 2012,
                seed -> LeNetToAlexNet.network(step.name(), step.changes(), seed),
                0.02, 4, List.of(step.trainTransforms()));
    }

    /** Every recipe whose checkpoint is shipped. */
    public static List<TrainingRecipe> all() {
        return List.of(lenet5(), smallAlexNet());
    }

    // ---- training -----------------------------------------------------------------------------

    /** A network with the recipe's first weights (the same every time). */
    public Sequential freshModel() {
        return build.apply(initSeed);
    }

    /** The recipe's batches of {@code trainSet}: 128 images, shuffled from seed 42, through the transforms. */
    public DataLoader loader(Dataset trainSet) {
        return new DataLoader(trainSet, BATCH_SIZE).shuffle(SHUFFLE_SEED).transforms(transforms.toArray(ImageTransform[]::new));
    }

    /**
     * A fresh network trained on {@code trainSet} for {@code epochs} epochs, with the test figures of
     * {@code test} after each (null: none). In a notebook it shows the progress bar and the curves.
     */
    public Sequential train(Dataset trainSet, DataLoader test, int epochs) {
        Sequential model = freshModel();
        trainer(model, epochs).fit(loader(trainSet), test, epochs);
        return model;
    }

    /** The trainer for {@code model}: SGD with momentum and weight decay, and the cosine schedule over {@code epochs}. */
    public Trainer trainer(Sequential model, int epochs) {
        SGD sgd = new SGD(model.parameters(), learningRate).momentum(MOMENTUM).weightDecay(WEIGHT_DECAY);
        return new Trainer(model, sgd).schedule(LearningRate.cosine(learningRate, epochs, 0));
    }

    // ---- what it is ---------------------------------------------------------------------------

    /** The checkpoint's name: {@code datasets/checkpoints/NAME.safetensors}. */
    public String name() {
        return name;
    }

    /** The network in words: "LeNet-5 (modern)". */
    public String network() {
        return network;
    }

    /** The recipe's number of epochs (a notebook's budget may train fewer). */
    public int epochs() {
        return epochs;
    }

    public double learningRate() {
        return learningRate;
    }

    public long initSeed() {
        return initSeed;
    }

    /** The transforms in words: "RandomCrop(28, padding 4), HorizontalFlip(0.5)", or "none". */
    public String transformsDescription() {
        return transforms.isEmpty() ? "none" : transforms.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    /** The recipe as a checkpoint's metadata records it, for {@code epochs} epochs. */
    public Map<String, String> metadata(int epochs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("recipe", name);
        m.put("network", network);
        m.put("init_seed", Long.toString(initSeed));
        m.put("optimizer", "SGD, momentum " + plain(MOMENTUM) + ", weight decay " + plain(WEIGHT_DECAY));
        m.put("learning_rate", plain(learningRate));
        m.put("schedule", "cosine from the learning rate to 0 over the epochs");
        m.put("batch_size", Integer.toString(BATCH_SIZE));
        m.put("shuffle_seed", Long.toString(SHUFFLE_SEED));
        m.put("transforms", transformsDescription());
        m.put("epochs", Integer.toString(epochs));
        return m;
    }

    /** 0.0005 rather than 5.0E-4. */
    private static String plain(double x) {
        return new BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, first weights from seed %d: SGD, learning rate %s (cosine to 0), "
                        + "momentum %s, weight decay %s; batches of %d shuffled from seed %d; transforms: %s; %d epochs",
                network, initSeed, plain(learningRate), plain(MOMENTUM), plain(WEIGHT_DECAY), BATCH_SIZE, SHUFFLE_SEED,
                transformsDescription(), epochs);
    }
}
