package io.github.alexlab.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * A set of labelled images held in memory: images as a FLOAT array [N, C, H, W] with values in
 * [0, 1], labels as a FLOAT array [N] of class indices 0..K-1, the form
 * {@link io.github.alexlab.nn.CrossEntropyLoss#forward} takes. A {@link DataLoader} cuts it into
 * batches.
 * <p>
 * Images read from 8-bit files (Fashion-MNIST's) keep their pixels as bytes 0..255: a quarter of the
 * memory of floats, 47 MB instead of 188 MB for Fashion-MNIST's 60,000 training images in every
 * student's kernel. The {@link DataLoader} makes each batch's floats (value / 255) as it copies it.
 * {@link #images()} then makes the floats of all images when asked: a copy, kept only while the caller
 * keeps it, and changing it does not change the data set (make a new {@code Dataset} from it for that).
 */
public final class Dataset {
    private final String name;
    private final INDArray images; // FLOAT [N, C, H, W] as given, or UINT8 pixels standing for value / 255
    private final INDArray labels;
    private WeakReference<INDArray> imagesAsFloats = new WeakReference<>(null);

    /**
     * @param images [N, C, H, W]: floats in [0, 1], or 8-bit pixels (UINT8, 0..255) kept as they are
     * @param labels [N] class indices
     */
    public Dataset(String name, INDArray images, INDArray labels) {
        if (images.rank() != 4)
            throw new IllegalArgumentException(name + ": images must be [N, C, H, W], got " + Arrays.toString(images.shape()));
        if (labels.rank() != 1)
            throw new IllegalArgumentException(name + ": labels must be [N], got " + Arrays.toString(labels.shape()));
        if (images.size(0) != labels.size(0))
            throw new IllegalArgumentException(name + ": " + images.size(0) + " images but " + labels.size(0) + " labels");
        this.name = name;
        this.images = images;
        this.labels = labels;
    }

    // ---- From IDX files -----------------------------------------------------------------------

    /**
     * Builds a dataset from an images file ([N, H, W] bytes) and a labels file ([N] bytes): the
     * images get one channel, [N, 1, H, W], and their pixels 0..255 stand for [0, 1].
     */
    public static Dataset fromIdx(String name, IdxData images, IdxData labels) throws DataFileException {
        if (images.sizes().length != 3 || labels.sizes().length != 1)
            throw new IllegalArgumentException(name + ": need images [N, H, W] and labels [N], got "
                    + images + " and " + labels);
        if (images.count() != labels.count())
            throw new DataFileException(images.file(), "holds " + images.count() + " images but "
                    + labels.file() + " holds " + labels.count() + " labels; they must match");
        int n = images.count();
        int height = images.sizes()[1];
        int width = images.sizes()[2];

        // The pixels as they are in the file, one byte each, straight into native memory.
        INDArray pixels = Nd4j.createUninitialized(DataType.UINT8, n, 1, height, width);
        pixels.data().asNio().put(images.data());

        INDArray classes = Nd4j.createUninitialized(DataType.FLOAT, n);
        FloatBuffer classBuffer = classes.data().asNioFloat();
        for (int i = 0; i < n; i++)
            classBuffer.put(i, labels.data()[i] & 0xff);
        return new Dataset(name, pixels, classes);
    }

    // ---- Access -------------------------------------------------------------------------------

    /**
     * Images [N, C, H, W], FLOAT, values in [0, 1]. For pixels kept as bytes, a float copy of all of
     * them: made at the first call, and again after the caller has let it go.
     */
    public INDArray images() {
        if (!keepsPixels())
            return images;
        INDArray floats = imagesAsFloats.get();
        if (floats == null) {
            floats = Pixels.toFloats(images);
            imagesAsFloats = new WeakReference<>(floats);
        }
        return floats;
    }

    /** Whether the images are kept as 8-bit pixels (see the class comment). */
    boolean keepsPixels() {
        return images.dataType() == DataType.UINT8;
    }

    /** The images as kept: FLOAT in [0, 1], or UINT8 pixels 0..255. */
    INDArray stored() {
        return images;
    }

    /** Labels [N], FLOAT class indices. */
    public INDArray labels() {
        return labels;
    }

    /** The number of examples, N. */
    public int size() {
        return (int) images.size(0);
    }

    /** The class index of example {@code i}. */
    public int label(int i) {
        return (int) labels.getFloat(i);
    }

    /** A name for messages and tables, e.g. "Fashion-MNIST train". */
    public String name() {
        return name;
    }

    /** Examples {@code from .. from+count-1} (a view, no copy). */
    public Dataset subset(int from, int count) {
        if (from < 0 || count < 0 || from + count > size())
            throw new IllegalArgumentException(name + ": subset " + from + ".." + (from + count - 1)
                    + " is outside the " + size() + " examples");
        var range = NDArrayIndex.interval(from, from + count);
        return new Dataset(name + " [" + from + ", " + (from + count) + ")",
                images.get(range, NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()),
                labels.get(range));
    }

    /** The first {@code n} examples (all of them when there are fewer). */
    public Dataset limit(int n) {
        if (n < 0) throw new IllegalArgumentException(name + ": limit must be >= 0, got " + n);
        return n >= size() ? this : subset(0, n);
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images " + Arrays.toString(images.shape())
                + (keepsPixels() ? " (kept as 8-bit pixels)" : "") + ", labels " + Arrays.toString(labels.shape());
    }
}
