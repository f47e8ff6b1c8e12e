package io.github.alexlab.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class TransformTest {

    /** [1, 1, h, w] holding 0, 1, 2, ... row by row. */
    private static INDArray ramp(int h, int w) {
        return Nd4j.arange(h * w).castTo(DataType.FLOAT).reshape(1, 1, h, w);
    }

    private static float[] pixels(INDArray batch) {
        return batch.ravel().toFloatVector();
    }

    @Test
    void pad() {
        var x = ramp(2, 3).add(1);
        assertArrayEquals(new float[]{
                0, 0, 0, 0, 0,
                0, 1, 2, 3, 0,
                0, 4, 5, 6, 0,
                0, 0, 0, 0, 0}, pixels(new Pad(1).apply(x, new Random(0))));
        var two = Nd4j.ones(DataType.FLOAT, 2, 3, 28, 28);
        INDArray padded = new Pad(2, -0.1).apply(two, new Random(0));
        assertArrayEquals(new long[]{2, 3, 32, 32}, padded.shape());
        assertEquals(-0.1f, padded.getFloat(1, 2, 0, 31), 1e-7);
        assertEquals(1f, padded.getFloat(1, 2, 2, 29), 1e-7);
        assertEquals(2 * 3 * 28 * 28, padded.gt(0).castTo(DataType.INT).sumNumber().intValue());
        assertThrows(IllegalArgumentException.class, () -> new Pad(-1));
    }

    @Test
    void horizontalFlip() {
        var x = ramp(2, 3);
        assertArrayEquals(new float[]{2, 1, 0, 5, 4, 3}, pixels(new HorizontalFlip(1).apply(x, new Random(0))));
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, pixels(new HorizontalFlip(0).apply(x, new Random(0))));
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, pixels(x), "the input is left alone");

        // with p = 0.5 some of many images are flipped and some are not
        var many = ramp(1, 2).repeat(0, 40);
        float[] out = pixels(new HorizontalFlip(0.5).apply(many, new Random(3)));
        int flipped = 0;
        for (int i = 0; i < 40; i++) if (out[2 * i] == 1) flipped++;
        assertTrue(flipped > 5 && flipped < 35, "flipped " + flipped + " of 40");
    }

    @Test
    void randomCropWithPadding() {
        var x = ramp(2, 2).add(1); // 1 2 / 3 4
        // a crop as large as the padded image is the padded image: zeros around
        assertArrayEquals(new float[]{
                0, 0, 0, 0,
                0, 1, 2, 0,
                0, 3, 4, 0,
                0, 0, 0, 0}, pixels(new RandomCrop(4, 1).apply(x, new Random(0))));

        // a 2x2 crop of the padded 4x4 sits at one of 9 places; all of them turn up
        float[][] padded = {{0, 0, 0, 0}, {0, 1, 2, 0}, {0, 3, 4, 0}, {0, 0, 0, 0}};
        Set<String> offsets = new HashSet<>();
        var rng = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            float[] crop = pixels(new RandomCrop(2, 1).apply(x, rng));
            String found = null;
            for (int dy = 0; dy <= 2; dy++)
                for (int dx = 0; dx <= 2; dx++)
                    if (crop[0] == padded[dy][dx] && crop[1] == padded[dy][dx + 1]
                            && crop[2] == padded[dy + 1][dx] && crop[3] == padded[dy + 1][dx + 1]
                            && found == null)
                        found = dy + "," + dx;
            assertNotNull(found, "a window of the padded image");
            offsets.add(found);
        }
        assertTrue(offsets.size() >= 8, offsets.toString()); // (two windows of zeros look alike)

        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(5, 1).apply(x, new Random(0)));
    }

    @Test
    void normalize() {
        var x = ramp(1, 2).repeat(1, 2); // two channels, each 0 1
        assertArrayEquals(new float[]{-1, 1, -1, 1}, pixels(new Normalize(0.5, 0.5).apply(x, null)), 1e-6f);
        assertArrayEquals(new float[]{0, 1, -1, -0.5f},
                pixels(new Normalize(new double[]{0, 2}, new double[]{1, 2}).apply(x, null)), 1e-6f);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Normalize(new double[]{0, 0, 0}, new double[]{1, 1, 1}).apply(x, null));
        assertEquals("Normalize: has 3 channel values, the images have 2 channels", e.getMessage());
    }

    @Test
    void resizeKnownAnswers() {
        // 0 1 / 2 3 to 4x4: corners keep their values, row 0 is 0 0.25 0.75 1
        float[] out = pixels(new Resize(4).apply(ramp(2, 2), null));
        assertEquals(16, out.length);
        assertEquals(0, out[0], 1e-6);
        assertEquals(1, out[3], 1e-6);
        assertEquals(2, out[12], 1e-6);
        assertEquals(3, out[15], 1e-6);
        assertArrayEquals(new float[]{0, 0.25f, 0.75f, 1}, new float[]{out[0], out[1], out[2], out[3]}, 1e-6f);
        // the four centre pixels average the image: (0.75 + 1.25 + 1.75 + 2.25) / 4 = 1.5
        // (1, 1) sits a quarter of the way across and down: 0.75*0.25*1 + 0.25*0.75*2 + 0.25*0.25*3
        assertEquals(0.75, out[5], 1e-6);
        assertEquals(1.5, (out[5] + out[6] + out[9] + out[10]) / 4, 1e-6);

        // 28 to 32 (LeNet-5): a constant image stays constant; the shape is right
        var grey = Nd4j.valueArrayOf(new long[]{3, 1, 28, 28}, 0.4f);
        var big = new Resize(32).apply(grey, null);
        assertArrayEquals(new long[]{3, 1, 32, 32}, big.shape());
        assertEquals(0.4, big.minNumber().doubleValue(), 1e-6);
        assertEquals(0.4, big.maxNumber().doubleValue(), 1e-6);

        // shrinking 4x4 to 2x2 by half takes the centre of each 2x2 block
        float[] small = pixels(new Resize(2).apply(ramp(4, 4), null));
        assertArrayEquals(new float[]{2.5f, 4.5f, 10.5f, 12.5f}, small, 1e-6f);
    }

    @Test
    void pcaLightingShiftsEachChannelUniformly() {
        var rgb = Nd4j.rand(DataType.FLOAT, 2, 3, 5, 5);
        var out = new PcaLighting(0.1).apply(rgb.dup(), new Random(9));
        var shift = out.sub(rgb);
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                var channel = shift.get(NDArrayIndex.point(i),
                        NDArrayIndex.point(c));
                double min = channel.minNumber().doubleValue(), max = channel.maxNumber().doubleValue();
                assertEquals(min, max, 1e-6, "one shift for every pixel of image " + i + " channel " + c);
                assertNotEquals(0, min, "the shift is not zero");
            }
        }
        // the shift is eigvec * (alpha * eigval) with alpha drawn from the same generator
        var rng = new Random(9);
        double[] a = {rng.nextGaussian() * 0.1 * 0.2175, rng.nextGaussian() * 0.1 * 0.0188, rng.nextGaussian() * 0.1 * 0.0045};
        double red = -0.5675 * a[0] + 0.7192 * a[1] + 0.4009 * a[2];
        assertEquals(red, shift.getDouble(0, 0, 2, 2), 1e-6);

        var e = assertThrows(IllegalArgumentException.class,
                () -> new PcaLighting(0.1).apply(Nd4j.zeros(DataType.FLOAT, 2, 1, 5, 5), new Random(0)));
        assertTrue(e.getMessage().startsWith("PcaLighting: needs RGB images (3 channels), got 1 channel"), e.getMessage());
    }
}
