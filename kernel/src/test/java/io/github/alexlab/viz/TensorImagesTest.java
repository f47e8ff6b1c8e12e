package io.github.alexlab.viz;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorImagesTest {
    @Test
    void aBatchIsAGridOfOneRowPerImageAndOneColumnPerChannel() {
        BufferedImage grid = TensorImages.grid(Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8));
        // 8 px tiles enlarged 14x to 112 px, 2 px between them
        assertEquals(3 * 112 + 2 * 2, grid.getWidth());
        assertEquals(2 * 112 + 2, grid.getHeight());
    }

    @Test
    void channelsWrapAfterEightTilesAnd28PixelImagesGrowTo112() {
        BufferedImage grid = TensorImages.grid(Nd4j.rand(DataType.FLOAT, 10, 28, 28));
        assertEquals(8 * 112 + 7 * 2, grid.getWidth());
        assertEquals(2 * 112 + 2, grid.getHeight());
    }

    @Test
    void eachTileIsStretchedFromBlackToWhite() {
        BufferedImage image = TensorImages.grid(Nd4j.createFromArray(new double[][]{{10, 11}, {12, 14}}));
        assertEquals(112, image.getWidth()); // 2 px enlarged 56x
        assertEquals(0x000000, image.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, image.getRGB(111, 111) & 0xFFFFFF);
        assertEquals(0x808080, image.getRGB(5, 60) & 0xFFFFFF); // 12 is half way: 127.5 -> 128
        assertEquals(0x404040, image.getRGB(60, 5) & 0xFFFFFF); // 11: a quarter, 63.75 -> 64
    }

    @Test
    void tilesAreNormalisedEachOnItsOwnAndAConstantTileIsMidGray() {
        var x = Nd4j.zeros(DataType.FLOAT, 2, 4, 4);
        x.putScalar(new long[]{0, 0, 0}, 1000);
        x.get(NDArrayIndex.point(1)).assign(7);
        BufferedImage image = TensorImages.grid(x);
        int tile = 4 * 28;
        assertEquals(0xFFFFFF, image.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x000000, image.getRGB(tile - 1, tile - 1) & 0xFFFFFF);
        assertEquals(0x808080, image.getRGB(tile + 2 + 5, 5) & 0xFFFFFF);
    }

    @Test
    void atMost64TilesAndACaptionSaysWhatWasLeftOut() {
        BufferedImage grid = TensorImages.grid(Nd4j.rand(DataType.FLOAT, 100, 3, 4, 4));
        // 21 rows of 3 channels (63 tiles), then a caption strip
        assertTrue(grid.getHeight() > 21 * 112 + 20 * 2, "height " + grid.getHeight());
        assertTrue(grid.getHeight() < 21 * 112 + 20 * 2 + 60, "height " + grid.getHeight());
    }

    @Test
    void rgbKeepsColours() {
        var x = Nd4j.zeros(DataType.FLOAT, 3, 2, 2);
        x.putScalar(new long[]{0, 0, 0}, 1); // red at (0, 0)
        x.putScalar(new long[]{2, 1, 1}, 1); // blue at (1, 1)
        BufferedImage image = TensorImages.rgb(x);
        assertEquals(0xFF0000, image.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x0000FF, image.getRGB(111, 111) & 0xFFFFFF);
        assertEquals(0x000000, image.getRGB(111, 0) & 0xFFFFFF);
    }

    @Test
    void theWrongRankIsRefusedWithItsShape() {
        var rank1 = assertThrows(IllegalArgumentException.class, () -> TensorImages.grid(Nd4j.zeros(5)));
        assertTrue(rank1.getMessage().contains("[5]"), rank1.getMessage());
        var rank5 = assertThrows(IllegalArgumentException.class, () -> TensorImages.grid(Nd4j.zeros(1, 2, 3, 4, 5)));
        assertTrue(rank5.getMessage().contains("[1, 2, 3, 4, 5]"), rank5.getMessage());
        var notRgb = assertThrows(IllegalArgumentException.class, () -> TensorImages.rgb(Nd4j.zeros(2, 4, 4)));
        assertTrue(notRgb.getMessage().contains("[2, 4, 4]"), notRgb.getMessage());
    }
}
