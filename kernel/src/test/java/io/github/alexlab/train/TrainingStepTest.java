package io.github.alexlab.train;

import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.CrossEntropyLoss;
import io.github.alexlab.nn.Layer;
import io.github.alexlab.nn.Linear;
import io.github.alexlab.nn.Parameter;
import io.github.alexlab.nn.ReLU;
import io.github.alexlab.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingStepTest {

    /** A 2 -> 2 linear classifier with the weights given, as W [in, out] and b [out]. */
    private static Linear linear(float[][] w, float[] b) {
        return linear("fc", w, b);
    }

    private static Linear linear(String name, float[][] w, float[] b) {
        Linear l = new Linear(name, 2, 2);
        l.weight().value().assign(Nd4j.createFromArray(w));
        l.parameters().get(1).value().assign(Nd4j.createFromArray(b));
        return l;
    }

    @Test
    void oneStepIsTheHandComputedSgdUpdate() {
        float[][] w = {{0.5f, -0.25f}, {0.1f, 0.3f}};
        float[] b = {0.05f, -0.05f};
        double[][] x = {{1, 2}, {3, -1}};
        int[] label = {0, 1};
        double lr = 0.5;
        Linear model = linear(w, b);
        TrainingStep.Result r = new TrainingStep(model, new SGD(model.parameters(), lr))
                .run(Nd4j.createFromArray(new float[][]{{1, 2}, {3, -1}}), Nd4j.createFromArray(0f, 1f));

        // By hand: z = x W + b, p = softmax(z), g = (p - onehot) / N, dW = x^T g, db = sum of g, W -= lr dW.
        int n = 2;
        double loss = 0;
        long correct = 0;
        double[][] g = new double[n][2];
        for (int i = 0; i < n; i++) {
            double[] z = new double[2];
            for (int k = 0; k < 2; k++)
                z[k] = x[i][0] * w[0][k] + x[i][1] * w[1][k] + b[k];
            double sum = Math.exp(z[0]) + Math.exp(z[1]);
            for (int k = 0; k < 2; k++)
                g[i][k] = (Math.exp(z[k]) / sum - (k == label[i] ? 1 : 0)) / n;
            loss -= Math.log(Math.exp(z[label[i]]) / sum) / n;
            if (z[label[i]] > z[1 - label[i]])
                correct++;
        }
        assertEquals(loss, r.loss(), 1e-6);
        assertEquals(correct, r.correct());
        assertEquals(2, r.examples());
        assertTrue(r.applied());
        for (int in = 0; in < 2; in++)
            for (int k = 0; k < 2; k++) {
                double dW = x[0][in] * g[0][k] + x[1][in] * g[1][k];
                assertEquals(w[in][k] - lr * dW, model.weight().value().getDouble(in, k), 1e-6, "W[" + in + "][" + k + "]");
            }
        for (int k = 0; k < 2; k++)
            assertEquals(b[k] - lr * (g[0][k] + g[1][k]), model.parameters().get(1).value().getDouble(k), 1e-6, "b[" + k + "]");
    }

    @Test
    void stepsAreThoseOfTheHandWrittenLoopTheyReplace() {
        Sequential byHand = LeNet5.modern(), shared = LeNet5.modern(); // the same seed: the same weights
        SGD sgdByHand = new SGD(byHand.parameters(), 0.05).momentum(0.9).weightDecay(5e-4);
        TrainingStep step = new TrainingStep(shared, new SGD(shared.parameters(), 0.05).momentum(0.9).weightDecay(5e-4));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        byHand.train(true);
        shared.train(true);
        for (int s = 0; s < 3; s++) {
            INDArray images = Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28);
            INDArray labels = Nd4j.createFromArray(new float[]{0, 1, 2, 3, 4, 5, 6, 7});
            byHand.zeroGradients();
            double expected = loss.forward(byHand.forward(images), labels);
            byHand.backwardToParameters(loss.backward());
            sgdByHand.step();
            assertEquals(expected, step.run(images, labels).loss(), 0, "the loss of step " + s);
        }
        List<Parameter> a = byHand.parameters(), b = shared.parameters();
        for (int i = 0; i < a.size(); i++)
            assertArrayEquals(a.get(i).value().data().asFloat(), b.get(i).value().data().asFloat(), 0f, a.get(i) + " differs");
    }

    @Test
    void theFirstBlockComputesItsParametersGradientsOnly() {
        List<String> calls = new ArrayList<>();
        Layer first = new Layer() {
            public String name() {
                return "first";
            }

            public INDArray forward(INDArray input) {
                return input;
            }

            public INDArray backward(INDArray gradOutput) {
                calls.add("backward");
                return gradOutput;
            }

            @Override
            public void backwardToParameters(INDArray gradOutput) {
                calls.add("backwardToParameters");
            }

            public long[] outputShape(long[] inputShape) {
                return inputShape;
            }
        };
        Linear fc = linear(new float[][]{{1, 0}, {0, 1}}, new float[]{0, 0});
        new TrainingStep(new Sequential("net", first, fc), new SGD(fc.parameters(), 0.1))
                .run(Nd4j.createFromArray(new float[][]{{1, 2}}), Nd4j.createFromArray(0f));
        assertEquals(List.of("backwardToParameters"), calls);
    }

    @Test
    void hooksComeInTheStepsOrderAndWhatTheyReturnIsUsed() {
        Sequential model = new Sequential("net", linear("fc1", new float[][]{{1, 2}, {3, 4}}, new float[]{0, 0}),
                new ReLU("relu"), linear("fc2", new float[][]{{1, -1}, {2, 0}}, new float[]{0.5f, 0}));
        List<String> events = new ArrayList<>();
        float[] before = model.parameters().get(0).value().data().asFloat();
        TrainingStep.Result r = new TrainingStep(model, new SGD(model.parameters(), 0.1), new TrainingStep.Hooks() {
            public void beforeForward() {
                events.add("beforeForward");
            }

            public INDArray afterForward(int index, Layer block, INDArray output) {
                events.add("forward " + index + " " + block.name());
                return index == 2 ? output.mul(0) : output; // equal logits: the loss is ln 2 whatever the weights
            }

            public INDArray lossGradient(INDArray gradient) {
                events.add("loss gradient");
                return gradient;
            }

            public INDArray afterBackward(int index, Layer block, INDArray gradInput) {
                events.add("backward " + index + " " + block.name());
                return gradInput;
            }

            public void afterBackwardPass() {
                events.add("afterBackwardPass");
            }

            public boolean beforeUpdate() {
                events.add("beforeUpdate");
                return false;
            }
        }).run(Nd4j.createFromArray(new float[][]{{1, 1}, {-1, 2}}), Nd4j.createFromArray(0f, 1f));
        assertEquals(List.of("beforeForward", "forward 0 fc1", "forward 1 relu", "forward 2 fc2", "loss gradient",
                "backward 2 fc2", "backward 1 relu", "afterBackwardPass", "beforeUpdate"), events);
        assertEquals(Math.log(2), r.loss(), 1e-6);
        assertFalse(r.applied());
        assertArrayEquals(before, model.parameters().get(0).value().data().asFloat(), 0f, "a skipped update changes nothing");
    }

    @Test
    void theBackwardPassHookRunsWhenForwardFails() {
        Linear fc = linear(new float[][]{{1, 0}, {0, 1}}, new float[]{0, 0});
        boolean[] ran = {false};
        TrainingStep step = new TrainingStep(fc, new SGD(fc.parameters(), 0.1), new TrainingStep.Hooks() {
            public void afterBackwardPass() {
                ran[0] = true; // mixed precision puts the FP32 master weights back here
            }
        });
        assertThrows(RuntimeException.class, () -> step.run(Nd4j.rand(DataType.FLOAT, 2, 3), Nd4j.createFromArray(0f, 1f)));
        assertTrue(ran[0]);
    }

    @Test
    void badInputIsNamed() {
        Linear fc = new Linear("fc", 2, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> new TrainingStep(fc, null));
        assertTrue(e.getMessage().contains("SGD"), e.getMessage());
        var empty = assertThrows(IllegalArgumentException.class,
                () -> new TrainingStep(new Sequential("empty"), new SGD(fc.parameters(), 0.1)));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }
}
