package io.github.alexlab.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Cuts a {@link Dataset} into batches, one epoch per {@code for} loop:
 * <pre>
 *   var loader = new DataLoader(data.train(), 64).shuffle(42).transforms(new Resize(32));
 *   for (Batch batch : loader) { ... }
 * </pre>
 * With {@link #shuffle(long)} the order of epoch e comes from {@code new Random(seed + e)}: a
 * new order each epoch, the same sequence of orders every run. The transforms draw from the same
 * generator, so augmentation is reproducible too. {@link #limit(int)} keeps only the first n
 * examples (a quick run on a small budget), and {@link #dropLast(boolean)} drops a last batch
 * smaller than the batch size.
 */
public final class DataLoader implements Iterable<Batch> {
    /** Environment variable: how many examples a notebook should use (see {@link #datasetLimitFromEnvironment}). */
    public static final String LIMIT_VARIABLE = "ALEXLAB_DATASET_LIMIT";

    private final Dataset dataset;
    private final int batchSize;
    private boolean shuffle = false;
    private long seed = 0;
    private int limit = Integer.MAX_VALUE;
    private boolean dropLast = false;
    private final List<ImageTransform> transforms = new ArrayList<>();
    private int epoch = 0; // the epoch the next iterator() hands out
    // The arrays of the last batch gathered, and those handed back by recycle(): the next batch of the same
    // size is copied into them instead of into fresh memory, which costs more to touch than the copy itself.
    private INDArray lastImages, lastLabels, spareImages, spareLabels;

    public DataLoader(Dataset dataset, int batchSize) {
        if (batchSize < 1)
            throw new IllegalArgumentException("DataLoader: batch size must be >= 1, got " + batchSize);
        this.dataset = dataset;
        this.batchSize = batchSize;
    }

    // ---- Settings -----------------------------------------------------------------------------

    /** Shuffle every epoch, reproducibly from {@code seed}. */
    public DataLoader shuffle(long seed) {
        this.shuffle = true;
        this.seed = seed;
        return this;
    }

    /** Use only the first {@code n} examples of the dataset. */
    public DataLoader limit(int n) {
        if (n < 1) throw new IllegalArgumentException("DataLoader: limit must be >= 1, got " + n);
        this.limit = n;
        return this;
    }

    /** Drop the last batch when it is smaller than the batch size. */
    public DataLoader dropLast(boolean dropLast) {
        this.dropLast = dropLast;
        return this;
    }

    /** Apply these transforms to every batch, in this order (after any added before). */
    public DataLoader transforms(ImageTransform... transforms) {
        this.transforms.addAll(List.of(transforms));
        return this;
    }

    // ---- Sizes --------------------------------------------------------------------------------

    /** The number of examples used: the dataset size or the limit, whichever is smaller. */
    public int size() {
        return Math.min(limit, dataset.size());
    }

    /** Batches per epoch. */
    public int numberOfBatches() {
        int n = size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public Dataset dataset() {
        return dataset;
    }

    // ---- Epochs -------------------------------------------------------------------------------

    /** The batches of the next epoch (epoch 0, then 1, ...). */
    @Override
    public Iterator<Batch> iterator() {
        return epoch(epoch++).iterator();
    }

    /** The batches of epoch {@code e}: the same every time for the same seed. */
    public Iterable<Batch> epoch(int e) {
        Random rng = new Random(seed + e);
        int[] order = order(rng);
        return () -> new Iterator<>() {
            private int batch = 0;

            @Override
            public boolean hasNext() {
                return batch < numberOfBatches();
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + e + " has no more batches");
                int from = batch * batchSize;
                int to = Math.min(from + batchSize, order.length);
                batch++;
                return makeBatch(order, from, to, rng);
            }
        };
    }

    /** The example indices of epoch {@code e} in the order they are handed out. */
    public int[] order(int e) {
        return order(new Random(seed + e));
    }

    /** 0..n-1, shuffled by Fisher-Yates when shuffling is on. */
    private int[] order(Random rng) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }
        return order;
    }

    /**
     * Hands back a batch that nothing will read again ({@link io.github.alexlab.train.Trainer} does after
     * each step): the next batch of the same size is copied into its arrays. Only the last batch this
     * loader made, as gathered (not one a transform made anew), is taken back; any other is left alone.
     * A batch never handed back stays as it is.
     */
    public void recycle(Batch batch) {
        if (batch.images() == lastImages)
            spareImages = lastImages;
        if (batch.labels() == lastLabels)
            spareLabels = lastLabels;
    }

    private Batch makeBatch(int[] order, int from, int to, Random rng) {
        int[] rows = Arrays.copyOfRange(order, from, to);
        // A data set read from 8-bit files keeps its pixels as bytes: they become floats here, batch by batch.
        INDArray images = dataset.keepsPixels() ? Pixels.gather(dataset.stored(), rows, spareImages)
                : gather(dataset.images(), rows, spareImages);
        INDArray labels = gather(dataset.labels(), rows, spareLabels);
        spareImages = spareLabels = null;
        lastImages = images;
        lastLabels = labels;
        for (ImageTransform transform : transforms)
            images = transform.apply(images, rng);
        return new Batch(images, labels);
    }

    /**
     * The examples {@code rows} of {@code all} (images [N, C, H, W] or labels [N]) as one new array. Each example
     * is one run of bytes in the data set's memory, copied as it is: some forty times faster than ND4J's
     * pullRows, which took about as long for a batch of 128 Fashion-MNIST images as LeNet-5's training step.
     */
    static INDArray gather(INDArray all, int[] rows) {
        return gather(all, rows, null);
    }

    /** The same, into {@code reuse} when that is a dense array of the batch's shape and type (else a new one). */
    static INDArray gather(INDArray all, int[] rows, INDArray reuse) {
        long[] shape = all.shape();
        for (int row : rows)
            if (row < 0 || row >= shape[0]) // memcpy must never read past the data set
                throw new IndexOutOfBoundsException("example " + row + " of a data set of " + shape[0]);
        long[] batchShape = shape.clone();
        batchShape[0] = rows.length;
        INDArray batch = isReusable(reuse, all.dataType(), batchShape) ? reuse : Nd4j.createUninitialized(all.dataType(), batchShape);
        // Dense and row-major. (Not Shape.hasDefaultStridesForShape: it says no for images [N, 1, H, W],
        // whose channel dimension of size 1 has a stride of H*W.)
        if (all.ordering() == 'c' && all.elementWiseStride() == 1) {
            // Image r is one run of bytes at r x (bytes per image) from the data set's first image (a view's
            // buffer starts at its own first element): one copy per image.
            long bytes = all.length() / shape[0] * all.dataType().width(), dataBytes = shape[0] * bytes;
            BytePointer source = new BytePointer(all.data().addressPointer()), target = new BytePointer(batch.data().addressPointer());
            if (dataBytes <= Integer.MAX_VALUE) { // Java's bulk copy between two views of the memory: no native call per image
                ByteBuffer from = source.capacity(dataBytes).asByteBuffer(), to = target.capacity(rows.length * bytes).asByteBuffer();
                for (int i = 0; i < rows.length; i++)
                    to.put(i * (int) bytes, from, rows[i] * (int) bytes, (int) bytes);
            } else {
                for (int i = 0; i < rows.length; i++)
                    Pointer.memcpy(target.position(i * bytes), source.position(rows[i] * bytes), bytes);
            }
        } else {
            for (int i = 0; i < rows.length; i++)
                batch.slice(i).assign(all.slice(rows[i])); // slower: one operation per example
        }
        return batch;
    }

    /** Whether a batch can be written into {@code reuse}: a dense row-major array of this type and shape. */
    static boolean isReusable(INDArray reuse, DataType type, long[] shape) {
        return reuse != null && reuse.dataType() == type && Arrays.equals(reuse.shape(), shape) && !reuse.isView()
                && reuse.ordering() == 'c';
    }

    // ---- The environment's budget -------------------------------------------------------------

    /**
     * The number of examples a notebook should use: {@code ALEXLAB_DATASET_LIMIT} when set (a
     * quick check of every notebook sets it low), else {@code defaultLimit}.
     */
    public static int datasetLimitFromEnvironment(int defaultLimit) {
        return parseLimit(System.getenv(LIMIT_VARIABLE), defaultLimit);
    }

    static int parseLimit(String value, int defaultLimit) {
        if (value == null || value.isBlank()) return defaultLimit;
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit < 1) throw new NumberFormatException();
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(LIMIT_VARIABLE + " must be a whole number >= 1, got '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return "DataLoader[" + dataset.name() + ", " + size() + " examples, batch " + batchSize
                + (shuffle ? ", shuffled (seed " + seed + ")" : "") + ", " + numberOfBatches() + " batches]";
    }
}
