package io.github.alexlab.bench;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Published figures the notebooks set beside their own measurements. They are other people's numbers,
 * on other machines: each table's name says whose and where from, and no notebook computes anything
 * of its own from them without saying so.
 */
public final class ReferenceData {
    private ReferenceData() {
    }

    /**
     * Leiserson, Thompson, Emer, Kuszmaul, Lampson, Sanchez and Schardl, "There's plenty of room at the
     * top: What will drive computer performance after Moore's law?", Science 368 (2020), Table 1:
     * multiplying two 4096 x 4096 matrices on an 18-core Intel Xeon (AWS c4.8xlarge, peak 835 GFLOP/s).
     */
    public static Table leiserson2020() {
        String[] version = {"Python", "Java", "C", "Parallel loops", "Parallel divide and conquer", "plus vectorization", "plus AVX intrinsics"};
        double[] seconds = {25_552.48, 2_372.68, 542.67, 69.80, 3.80, 1.10, 0.41};
        double[] gflops = {0.005, 0.058, 0.253, 1.969, 36.180, 124.914, 337.812};
        double[] percentOfPeak = {0.00, 0.01, 0.03, 0.24, 4.33, 14.96, 40.45};
        double[] relative = {Double.NaN, 10.8, 4.4, 7.8, 18.4, 3.5, 2.7};
        double[] absolute = {1, 11, 47, 366, 6_727, 23_224, 62_806};
        Table t = Table.create("Their numbers: Leiserson et al., Science 368 (2020), Table 1 (n = 4096, 18-core Xeon, peak 835 GFLOP/s)",
                IntColumn.create("version"), StringColumn.create("implementation"), DoubleColumn.create("running time s"),
                DoubleColumn.create("relative speed-up"), DoubleColumn.create("absolute speed-up"), DoubleColumn.create("GFLOP/s"),
                DoubleColumn.create("% of peak"));
        for (int i = 0; i < version.length; i++) {
            t.intColumn(0).append(i + 1);
            t.stringColumn(1).append(version[i]);
            t.doubleColumn(2).append(seconds[i]);
            t.doubleColumn(3).append(relative[i]);
            t.doubleColumn(4).append(absolute[i]);
            t.doubleColumn(5).append(gflops[i]);
            t.doubleColumn(6).append(percentOfPeak[i]);
        }
        return t;
    }

    /**
     * Energy per operation in a 45 nm process: Han, Pool, Tran and Dally, "Learning both Weights and
     * Connections for Efficient Neural Networks", NeurIPS 2015, Table 1 (after Horowitz, ISSCC 2014).
     */
    public static Table han2015Energy() {
        String[] operation = {"32-bit int ADD", "32-bit float ADD", "32-bit register file", "32-bit int MULT",
                "32-bit float MULT", "32-bit SRAM cache", "32-bit DRAM memory"};
        double[] picojoules = {0.1, 0.9, 1, 3.1, 3.7, 5, 640};
        Table t = Table.create("Their numbers: Han et al., NeurIPS 2015, Table 1 (45 nm, after Horowitz, ISSCC 2014)",
                StringColumn.create("operation"), DoubleColumn.create("energy pJ"), DoubleColumn.create("relative cost"));
        for (int i = 0; i < operation.length; i++) {
            t.stringColumn(0).append(operation[i]);
            t.doubleColumn(1).append(picojoules[i]);
            t.doubleColumn(2).append(Math.rint(picojoules[i] / picojoules[0]));
        }
        return t;
    }

    /** Picojoules of one 32-bit float multiply-add (MULT + ADD) and one 32-bit DRAM read, from {@link #han2015Energy}. */
    public static final double FLOAT_MULTIPLY_ADD_PJ = 3.7 + 0.9, DRAM_READ_PJ = 640;

    /**
     * What AlexNet trained on in 2012: two NVIDIA GeForce GTX 580 with 3 GB each (Krizhevsky, Sutskever
     * and Hinton, NeurIPS 2012: "five to six days on two NVIDIA GTX 580 3GB GPUs", 90 epochs of 1.2
     * million images). The card's figures are NVIDIA's specification (512 CUDA cores at 1544 MHz).
     */
    public static Table gtx580() {
        Table t = Table.create("Their numbers: GTX 580 (NVIDIA's specification) and the 2012 AlexNet run (Krizhevsky et al., NeurIPS 2012)",
                StringColumn.create("fact"), StringColumn.create("value"));
        String[][] rows = {
                {"GPUs", "2 x GeForce GTX 580 (Fermi, 2010), 3 GB each"},
                {"CUDA cores per GPU", "512 at 1544 MHz"},
                {"FP32 peak per GPU", "1581 GFLOP/s (512 cores x 2 FLOP x 1.544 GHz)"},
                {"memory bandwidth per GPU", "192.4 GB/s"},
                {"training", "90 epochs over 1.2 million images, 5 to 6 days"},
                {"why two GPUs", "the network did not fit in one 3 GB card: half the kernels on each"},
        };
        for (String[] r : rows) {
            t.stringColumn(0).append(r[0]);
            t.stringColumn(1).append(r[1]);
        }
        return t;
    }

    /** GTX 580's FP32 peak, GFLOP/s, and its memory in bytes (from {@link #gtx580}). */
    public static final double GTX580_PEAK_GFLOPS = 1581;
    public static final long GTX580_MEMORY_BYTES = 3L << 30;
}
