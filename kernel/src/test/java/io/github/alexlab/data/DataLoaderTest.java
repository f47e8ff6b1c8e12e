package io.github.alexlab.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DataLoaderTest {

    /** n examples [1, 2, 3]; every pixel of example i is i, and so is its label. */
    private static Dataset numbered(int n) {
        var images = Nd4j.arange(n).castTo(DataType.FLOAT).reshape(n, 1, 1, 1).repeat(2, 2).repeat(3, 3);
        return new Dataset("numbered", images.dup(), Nd4j.arange(n).castTo(DataType.FLOAT));
    }

    /** The labels of one epoch, batch after batch; checks each image matches its label. */
    private static List<Integer> epoch(Iterable<Batch> batches) {
        List<Integer> seen = new ArrayList<>();
        for (Batch batch : batches) {
            for (int i = 0; i < batch.size(); i++) {
                int label = (int) batch.labels().getFloat(i);
                assertEquals(label, batch.images().getFloat(i, 0, 1, 2), 0, "image and label stay together");
                seen.add(label);
            }
        }
        return seen;
    }

    @Test
    void gatherCopiesTheRightImagesFromViewsAndCopies() {
        INDArray all = Nd4j.rand(DataType.FLOAT, 50, 2, 3, 4);
        int[] rows = {7, 0, 33, 7, 12};
        INDArray view = all.get(NDArrayIndex.interval(10, 50)); // starts 10 images in
        INDArray fortran = all.dup('f'), doubles = all.castTo(DataType.DOUBLE);
        for (int k = 0; k < rows.length; k++) {
            assertEquals(all.slice(rows[k]), DataLoader.gather(all, rows).slice(k));
            assertEquals(all.slice(10 + rows[k]), DataLoader.gather(view, rows).slice(k), "a view with an offset");
            assertEquals(all.slice(rows[k]), DataLoader.gather(fortran, rows).slice(k), "another memory order");
            assertEquals(doubles.slice(rows[k]), DataLoader.gather(doubles, rows).slice(k), "another data type");
        }
        var outside = assertThrows(IndexOutOfBoundsException.class, () -> DataLoader.gather(all.get(NDArrayIndex.interval(0, 30)), rows));
        assertTrue(outside.getMessage().contains("example 33 of a data set of 30"), outside.getMessage());
        INDArray labels = Nd4j.arange(50).castTo(DataType.FLOAT);
        assertArrayEquals(new float[]{7, 0, 33, 7, 12}, DataLoader.gather(labels, rows).toFloatVector());
        assertArrayEquals(new float[]{17, 10, 43, 17, 22}, DataLoader.gather(labels.get(NDArrayIndex.interval(10, 50)), rows).toFloatVector());
    }

    @Test
    void imagesKeptAsPixelsGiveTheSameBatchesAsFloatsAndImagesIsACopy() {
        int n = 40;
        byte[] bytes = new byte[n * 2 * 3];
        for (int i = 0; i < bytes.length; i++)
            bytes[i] = (byte) (i * 37); // every byte value 0..255 comes up, 128..255 among them
        INDArray pixels = Nd4j.createUninitialized(DataType.UINT8, n, 1, 2, 3);
        pixels.data().asNio().put(bytes);
        INDArray floats = Nd4j.createUninitialized(DataType.FLOAT, n, 1, 2, 3);
        for (int i = 0; i < bytes.length; i++)
            floats.data().put(i, (bytes[i] & 0xff) / 255f); // what a data set of floats held before
        INDArray labels = Nd4j.arange(n).castTo(DataType.FLOAT);
        Dataset kept = new Dataset("pixels", pixels, labels), asFloats = new Dataset("floats", floats, labels);

        assertEquals(floats, kept.images(), "value / 255, exactly");
        assertSame(kept.images(), kept.images(), "made once while the caller holds it");
        kept.images().addi(1);
        assertEquals(floats, new DataLoader(kept, n).iterator().next().images(), "changing the copy changes no batch");
        assertTrue(kept.toString().contains("8-bit pixels"), kept.toString());

        var fromPixels = new DataLoader(kept.subset(5, 30), 8).shuffle(3).iterator();
        var fromFloats = new DataLoader(asFloats.subset(5, 30), 8).shuffle(3).iterator();
        while (fromFloats.hasNext()) {
            Batch expected = fromFloats.next(), actual = fromPixels.next();
            assertEquals(expected.images(), actual.images(), "a subset, shuffled");
            assertEquals(expected.labels(), actual.labels());
        }
        assertFalse(fromPixels.hasNext());
        var outside = assertThrows(IndexOutOfBoundsException.class, () -> Pixels.gather(pixels, new int[]{3, 40}, null));
        assertTrue(outside.getMessage().contains("example 40 of a data set of 40"), outside.getMessage());
    }

    @Test
    void aRecycledBatchHoldsTheNextOneAndOthersStayAsTheyAre() {
        var loader = new DataLoader(numbered(10), 4); // batches 0-3, 4-7, 8-9
        Iterator<Batch> batches = loader.iterator();
        Batch first = batches.next();
        Batch second = batches.next();                // first not handed back: left alone
        assertNotSame(first.images(), second.images());
        assertArrayEquals(new float[]{0, 1, 2, 3}, first.labels().toFloatVector());
        loader.recycle(first);                         // not the last batch made: ignored
        loader.recycle(second);
        Batch third = batches.next();                  // smaller: fresh arrays, the spare waits
        assertNotSame(second.images(), third.images());
        assertArrayEquals(new float[]{4, 5, 6, 7}, second.labels().toFloatVector());
        assertArrayEquals(new float[]{8, 9}, third.labels().toFloatVector());

        var twelve = new DataLoader(numbered(12), 4);  // three batches of 4
        Iterator<Batch> again = twelve.iterator();
        Batch a = again.next();
        twelve.recycle(a);
        Batch b = again.next();                        // a's memory, b's numbers
        assertSame(a.images(), b.images());
        assertSame(a.labels(), b.labels());
        assertArrayEquals(new float[]{4, 5, 6, 7}, b.labels().toFloatVector());
        for (int i = 0; i < 4; i++)
            assertEquals(4 + i, b.images().getFloat(i, 0, 1, 2), 0, "image " + i + " is the next batch's");
        twelve.recycle(new Batch(Nd4j.zeros(DataType.FLOAT, 4, 1, 2, 3), Nd4j.zeros(DataType.FLOAT, 4))); // not its own: ignored
        Batch c = again.next();
        assertNotSame(b.images(), c.images());
        assertArrayEquals(new float[]{4, 5, 6, 7}, b.labels().toFloatVector(), "b is left as it was");
    }

    @Test
    void batchCounts() {
        var data = numbered(10);
        assertEquals(4, new DataLoader(data, 3).numberOfBatches());
        assertEquals(3, new DataLoader(data, 3).dropLast(true).numberOfBatches());
        assertEquals(2, new DataLoader(data, 5).numberOfBatches());

        List<Integer> sizes = new ArrayList<>();
        for (Batch batch : new DataLoader(data, 3)) {
            sizes.add(batch.size());
            assertArrayEquals(new long[]{batch.size(), 1, 2, 3}, batch.images().shape());
            assertArrayEquals(new long[]{batch.size()}, batch.labels().shape());
        }
        assertEquals(List.of(3, 3, 3, 1), sizes);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), epoch(new DataLoader(data, 3).dropLast(true)));
    }

    @Test
    void everyExampleOncePerEpoch() {
        var loader = new DataLoader(numbered(50), 8).shuffle(7);
        for (int e = 0; e < 3; e++) {
            List<Integer> seen = epoch(loader);
            assertEquals(50, seen.size());
            assertEquals(50, new HashSet<>(seen).size());
        }
    }

    @Test
    void seededShuffleIsReproducibleAndShuffles() {
        var data = numbered(100);
        var a = new DataLoader(data, 16).shuffle(42);
        var b = new DataLoader(data, 16).shuffle(42);
        List<Integer> a0 = epoch(a), a1 = epoch(a);
        assertEquals(a0, epoch(b), "same seed, same first epoch");
        assertEquals(a1, epoch(b), "same seed, same second epoch");
        assertNotEquals(a0, a1, "a new order each epoch");
        assertNotEquals(epoch(new DataLoader(data, 16)), a0, "actually shuffled");
        assertNotEquals(a0, epoch(new DataLoader(data, 16).shuffle(43)), "another seed, another order");
        assertArrayEquals(a.order(1), b.order(1));
        assertEquals(a1, Arrays.stream(a.order(1)).boxed().toList());
    }

    @Test
    void limitUsesTheFirstExamples() {
        var loader = new DataLoader(numbered(100), 8).shuffle(1).limit(20);
        assertEquals(20, loader.size());
        assertEquals(3, loader.numberOfBatches());
        Set<Integer> seen = new HashSet<>(epoch(loader));
        assertEquals(20, seen.size());
        assertTrue(seen.stream().allMatch(i -> i < 20), seen.toString());
        assertEquals(100, new DataLoader(numbered(100), 8).limit(1000).size());
    }

    @Test
    void transformsApplyPerBatch() {
        var loader = new DataLoader(numbered(4), 2).transforms(new Resize(4), new Normalize(1, 2));
        Batch batch = loader.iterator().next();
        assertArrayEquals(new long[]{2, 1, 4, 4}, batch.images().shape());
        assertEquals((1 - 1) / 2.0, batch.images().getDouble(1, 0, 3, 3), 1e-6);
        assertEquals((0 - 1) / 2.0, batch.images().getDouble(0, 0, 0, 0), 1e-6);
    }

    @Test
    void datasetHelpers() {
        var data = numbered(10);
        assertEquals(3, data.subset(4, 3).size());
        assertEquals(5, data.subset(4, 3).label(1));
        assertEquals(2, data.limit(2).size());
        assertSame(data, data.limit(20));
        var e = assertThrows(IllegalArgumentException.class, () -> data.subset(8, 3));
        assertTrue(e.getMessage().startsWith("numbered: subset 8..10 is outside the 10 examples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Dataset("odd", Nd4j.zeros(3, 1, 2, 2), Nd4j.zeros(2)));
        assertEquals("odd: 3 images but 2 labels", e.getMessage());
    }

    @Test
    void limitFromEnvironment() {
        assertEquals(500, DataLoader.parseLimit(null, 500));
        assertEquals(500, DataLoader.parseLimit("", 500));
        assertEquals(64, DataLoader.parseLimit(" 64 ", 500));
        var e = assertThrows(IllegalArgumentException.class, () -> DataLoader.parseLimit("lots", 500));
        assertEquals("ALEXLAB_DATASET_LIMIT must be a whole number >= 1, got 'lots'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.parseLimit("0", 500));
        // whatever the environment holds, the public helper agrees with parseLimit
        assertEquals(DataLoader.parseLimit(System.getenv("ALEXLAB_DATASET_LIMIT"), 123), DataLoader.datasetLimitFromEnvironment(123));
    }
}
