package io.github.alexlab.quant;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.Sequential;
import io.github.alexlab.quant.MixedPrecisionTraining.Format;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientHistogramTest {
    @Test
    void binsByPowerOfTwoAndCountsWhatEachFormatLoses() {
        GradientHistogram h = new GradientHistogram("known");
        for (float v : new float[]{0f, 1e-8f, -3e-5f, 0.75f, 1f, Float.NaN})
            h.add(v);
        assertEquals(6, h.total());
        assertEquals(1, h.zeros());
        assertEquals(4, h.nonzero());
        assertEquals(1, h.count(-27), "1e-8 lies in [2^-27, 2^-26)");
        assertEquals(1, h.count(-16), "3e-5 lies in [2^-16, 2^-15)");
        assertEquals(1, h.count(-1));
        assertEquals(1, h.count(0));
        assertEquals(-27, h.lowestExponent());
        assertEquals(0, h.highestExponent());
        assertEquals(0.25, h.underflowShare(Format.FP16), "only 1e-8 rounds to 0 in FP16");
        assertEquals(0.5, h.belowNormalShare(Format.FP16), "1e-8 and 3e-5 are below 2^-14");
        assertEquals(0, h.underflowShare(Format.BF16));
        assertEquals(0, h.underflowShare(Format.FP32));
    }

    @Test
    void collectsAWholeBackwardPassAndLeavesNoGradientBehind() throws Exception {
        Sequential model = LeNet5.modern();
        var batch = new DataLoader(FashionMnist.load().train(), 32).iterator().next();
        GradientHistogram h = GradientHistogram.of("LeNet-5", model, batch);
        long parameters = model.parameters().stream().mapToLong(p -> p.value().length()).sum();
        assertTrue(h.total() > parameters, "weights' and layers' gradients: " + h);
        for (Parameter p : model.parameters())
            assertEquals(0, p.gradient().amaxNumber().doubleValue(), p + " keeps a gradient");
        assertTrue(h.lowestExponent() < -10 && h.highestExponent() < 4, h.lowestExponent() + " .. " + h.highestExponent());
        assertEquals(3, GradientHistogram.chart("LeNet-5", h).seriesNames().size(), "the histogram and two FP16 limits");
        assertThrows(IllegalStateException.class, () -> new GradientHistogram("empty").lowestExponent());
    }
}
