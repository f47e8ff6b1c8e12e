package io.github.alexlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A connection table, as in LeNet-5's C3 (LeCun et al. 1998, Table I): output map o sees input
 * map c only where {@code table[o][c]} is true. It becomes a 0/1 mask over a convolution's weights
 * [outC, inC, k, k]; the masked weights stay zero, get no gradient and are not counted.
 */
final class ConnectionTable {
    private ConnectionTable() {
    }

    /** The 0/1 mask shaped like {@code weight}, after checking the table's shape and that every map has an input. */
    static INDArray mask(String layer, boolean[][] table, INDArray weight) {
        int outChannels = (int) weight.size(0), inChannels = (int) weight.size(1);
        if (table.length != outChannels)
            throw new IllegalArgumentException(layer + ": the table needs one row per output channel (" + outChannels + "), got " + table.length);
        INDArray mask = Nd4j.create(weight.dataType(), weight.shape());
        for (int o = 0; o < outChannels; o++) {
            if (table[o].length != inChannels)
                throw new IllegalArgumentException(layer + ": table row " + o + " needs " + inChannels + " entries, got " + table[o].length);
            boolean any = false;
            for (int c = 0; c < inChannels; c++) {
                if (table[o][c])
                    mask.get(NDArrayIndex.point(o), NDArrayIndex.point(c)).assign(1);
                any |= table[o][c];
            }
            if (!any)
                throw new IllegalArgumentException(layer + ": output map " + o + " is connected to no input map");
        }
        return mask;
    }

    /**
     * Draws each output map's filter with its own fan-in (its connected weights), then zeroes the
     * unconnected ones. Returns the fan-out it used: the average number of weights an input map feeds.
     */
    static long initialize(Init weights, INDArray weight, INDArray mask, Random rng) {
        long fanOut = mask.sumNumber().longValue() / weight.size(1);
        for (int o = 0; o < weight.size(0); o++) {
            INDArray filter = weight.slice(o).dup();
            weights.fill(filter, mask.slice(o).sumNumber().longValue(), fanOut, rng);
            weight.slice(o).assign(filter);
        }
        weight.muli(mask);
        return fanOut;
    }
}
