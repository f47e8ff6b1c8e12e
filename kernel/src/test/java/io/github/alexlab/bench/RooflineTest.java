package io.github.alexlab.bench;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Flatten;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.tensor.Device;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RooflineTest {
    static final Ceilings KNOWN = new Ceilings(Device.cpu(), 100, "given", 20, "given");

    @Test
    void theRoofIsTheLowerOfTheTwoCeilings() {
        assertEquals(5.0, KNOWN.ridge());
        assertEquals(20 * 0.5, KNOWN.roof(0.5));   // memory-bound: bandwidth x intensity
        assertEquals(100, KNOWN.roof(50));         // compute-bound: the peak
        assertEquals(100, KNOWN.roof(5));          // the ridge, where they meet
    }

    @Test
    void kernelsAreJudgedAgainstTheRoofOfTheirIntensity() {
        // 1 GFLOP over 1 GB in 0.5 s: intensity 1, 2 GFLOP/s, roof 20 -> 10 % of roof, memory-bound
        var slow = new Measurement("elementwise", Device.cpu(), new double[]{0.5}, 1e9, 1e9);
        // 100 GFLOP over 1 GB in 2 s: intensity 100, 50 GFLOP/s, roof 100 -> 50 %, arithmetic-bound
        var gemm = new Measurement("gemm", Device.cpu(), new double[]{2}, 100e9, 1e9);
        var table = new Roofline(KNOWN).add("made up", List.of(slow, gemm)).table();
        assertEquals(10.0, table.doubleColumn("% of roof").get(0));
        assertEquals("memory", table.stringColumn("bound by").get(0));
        assertEquals(50.0, table.doubleColumn("% of roof").get(1));
        assertEquals("arithmetic", table.stringColumn("bound by").get(1));
        assertTrue(new Roofline(KNOWN).add("x", List.of(gemm)).chart().png().length > 1000);
    }

    @Test
    void uncountedWorkOrAnotherDeviceIsRejectedInWords() {
        var uncounted = new Measurement("mystery", Device.cpu(), new double[]{1}, Double.NaN, Double.NaN);
        var e = assertThrows(IllegalArgumentException.class, () -> new Roofline(KNOWN).add("g", List.of(uncounted)));
        assertTrue(e.getMessage().contains("'mystery' cannot go on a roofline"), e.getMessage());
        assertThrows(IllegalArgumentException.class, Roofline::new);
    }

    @Test
    void convolutionPointsCountTheirOwnWork() {
        var model = new Sequential("tiny", new Conv2d("conv", 1, 4, 3, 1, 0, 1), new ReLU("relu"), new Flatten("flat"),
                new Linear("fc", 4 * 6 * 6, 3));
        var points = Roofline.convolutions(model, Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8));
        assertEquals(1, points.size(), "only the convolution");
        var conv = points.get(0);
        // 2 images x 4 maps x 6x6 outputs x 9 multiply-adds each = 2592 multiply-adds = 5184 FLOPs
        assertEquals(5184, conv.flops());
        // input 128 + weights 36 + biases 4 + output 288 floats, 4 bytes each
        assertEquals(4.0 * (128 + 40 + 288), conv.bytes());
    }

    @Test
    void cpuCeilingsAreMeasuredAndPlausible() {
        Ceilings cpu = Ceilings.measure(Device.cpu());
        // any CPU this runs on does more than 1 GFLOP/s in FMA loops and moves more than 1 GB/s
        assertTrue(cpu.peakGflops() > 1 && cpu.bandwidthGBs() > 1, cpu.toString());
        // and a ridge somewhere between 0.1 and 1000 FLOP/byte
        assertTrue(cpu.ridge() > 0.1 && cpu.ridge() < 1000, cpu.toString());
    }
}
