package io.github.alexlab.quant;

import io.github.alexlab.nn.Conv2d;
import io.github.alexlab.nn.Init;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.NaiveConvolution;
import io.github.alexlab.nn.NaiveLinear;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.github.alexlab.nn.Conv2dTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FakeQuantize and QuantizedLayer against the plain loops of {@link NaiveFakeQuantize}. */
class FakeQuantizeTest {
    private static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE};

    @Test
    void naiveLoopsKnownAnswer() {
        // Symmetric 4 bits clipping at 1.4: steps of 0.2, codes -7..7. -0.5 is a tie: to even (-2 steps).
        INDArray x = Nd4j.createFromArray(0.33, -0.5, 2.0, -3.0, 1.4);
        assertArrayEquals(new double[]{0.4, -0.4, 1.4, -1.4, 1.4}, NaiveFakeQuantize.forward(x, 0.2, 0, -7, 7).toDoubleVector(), 1e-12);
        INDArray g = NaiveFakeQuantize.backward(x, Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0, 5.0), 0.2, 0, -7, 7);
        assertArrayEquals(new double[]{1, 2, 0, 0, 5}, g.toDoubleVector(), 1e-12);
        // Per output channel: row 0 of a conv weight has largest |w| 2 (steps of 2/7), row 1 has 0.7 (steps of 0.1).
        INDArray w = Nd4j.createFromArray(new double[][]{{2, 0.5}, {0.7, -0.26}}).reshape(2, 2, 1, 1);
        assertArrayEquals(new double[]{2, 4 / 7.0, 0.7, -0.3}, NaiveFakeQuantize.weightsPerChannel(w, 4, 0).data().asDouble(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> NaiveFakeQuantize.backward(x, Nd4j.zeros(DataType.DOUBLE, 4), 0.2, 0, -7, 7));
    }

    @Test
    void fakeQuantizeMatchesNaiveLoops() {
        Nd4j.getRandom().setSeed(31);
        for (DataType type : TYPES)
            for (Quantizer q : new Quantizer[]{Quantizer.symmetric(8, 1.5), Quantizer.asymmetric(4, -0.5, 2.0)}) {
                String what = type + ", " + q;
                var fq = new FakeQuantize("q", q);
                fq.train(true);
                INDArray x = Nd4j.randn(type, 4, 3, 5, 5).muli(1.5); // some beyond the range on either side
                INDArray y = fq.forward(x), dy = Nd4j.randn(type, x.shape());
                assertEquals(type, y.dataType(), what);
                assertClose(NaiveFakeQuantize.forward(x, q.scale(), q.zeroPoint(), q.qmin(), q.qmax()), y, what + ", y");
                INDArray slow = NaiveFakeQuantize.backward(x, dy, q.scale(), q.zeroPoint(), q.qmin(), q.qmax());
                assertTrue(slow.eq(0).castTo(DataType.INT).sumNumber().intValue() > 0, what + ": some entries are clipped");
                assertClose(slow, fq.backward(dy), what + ", dL/dx");
            }
    }

    /**
     * A quantized layer computes with the per-channel fake-quantized weights Q(W) and adds the weight
     * gradient at Q(W) to W itself (the straight-through estimator); the bias stays FP32 without an input quantizer.
     */
    @Test
    void quantizedLayerMatchesNaiveLoops() {
        Nd4j.getRandom().setSeed(32);
        for (DataType type : TYPES) {
            Linear fc = new Linear("fc", 12, 5).initialize(Init.xavier(), Init.gaussian(0.1), 3);
            Conv2d conv = new Conv2d("conv", 3, 4, 3, 2, 1, 1).initialize(Init.he(), Init.gaussian(0.1), 4);
            for (Layer inner : new Layer[]{fc, conv}) {
                String what = type + ", " + inner.name();
                inner.parametersTo(type);
                INDArray w = inner.parameters().get(0).value().dup(), b = inner.parameters().get(1).value().dup();
                INDArray x = inner == fc ? Nd4j.randn(type, 6, 12) : Nd4j.randn(type, 2, 3, 7, 7);
                var layer = new QuantizedLayer(inner, QuantizationRecipe.weightsOnly(4, true), null);
                layer.train(true);
                INDArray y = layer.forward(x), dy = Nd4j.randn(type, y.shape());
                INDArray dx = layer.backward(dy);
                INDArray qw = NaiveFakeQuantize.weightsPerChannel(w, 4, inner == fc ? 1 : 0);
                INDArray slowY, slowDx, slowDw, slowDb;
                if (inner == fc) {
                    NaiveLinear.Gradients g = NaiveLinear.backward(x, qw, dy);
                    slowY = NaiveLinear.forward(x, qw, b);
                    slowDx = g.input();
                    slowDw = g.weight();
                    slowDb = g.bias();
                } else {
                    NaiveConvolution.Gradients g = NaiveConvolution.backward(x, qw, dy, 2, 1, 1);
                    slowY = NaiveConvolution.forward(x, qw, b, 2, 1, 1);
                    slowDx = g.input();
                    slowDw = g.weight();
                    slowDb = g.bias();
                }
                assertClose(slowY, y, what + ", y");
                assertClose(slowDx, dx, what + ", dL/dx");
                assertClose(slowDw, inner.parameters().get(0).gradient(), what + ", dL/dW (straight through to W)");
                assertClose(slowDb, inner.parameters().get(1).gradient(), what + ", dL/db");
                assertEquals(w, inner.parameters().get(0).value(), what + ": after backward the layer holds its FP32 weights again");
            }
        }
    }
}
