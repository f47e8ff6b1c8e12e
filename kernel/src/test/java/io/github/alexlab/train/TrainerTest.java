package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final FashionMnist DATA = bundled();

    private static FashionMnist bundled() {
        try {
            return FashionMnist.load(); // the bundled subset in a checkout
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void learnsFashionMnistSubset() {
        Sequential model = LeNet5.modern();
        DataLoader train = new DataLoader(DATA.train(), 64).shuffle(1);
        DataLoader test = new DataLoader(DATA.test(), 250);
        double before = Evaluation.of(model, test, FashionMnist.CLASS_NAMES).accuracy();
        SGD sgd = new SGD(model.parameters(), 0.05).momentum(0.9);
        History history = new Trainer(model, sgd).quiet().fit(train, test, 3);
        assertEquals(3, history.epochs().size());
        assertFalse(history.interrupted());
        History.Epoch first = history.epochs().get(0), last = history.last();
        assertTrue(last.trainLoss() < first.trainLoss(), "train loss did not fall: " + history.toTable());
        // 3 epochs of 2000 images: far above chance (0.1) and the untrained model, though far from converged.
        assertTrue(last.testAccuracy() > 0.6, "test accuracy " + last.testAccuracy() + " (untrained: " + before + ")");
        Evaluation e = new Trainer(model, sgd).classNames(FashionMnist.CLASS_NAMES).evaluate(test);
        assertEquals(last.testAccuracy(), e.accuracy(), 1e-12, "evaluate() and the last epoch's test accuracy disagree");
        long total = 0;
        for (long[] row : e.confusion())
            for (long c : row)
                total += c;
        assertEquals(DATA.test().size(), total);
        assertEquals(e.examples() - Math.round(e.accuracy() * e.examples()), e.mistakes().size());
    }

    @Test
    void anInterruptStopsBetweenStepsAndTheModelStillEvaluates() throws Exception {
        Sequential model = LeNet5.modern();
        DataLoader train = new DataLoader(DATA.train(), 32).shuffle(2);
        SGD sgd = new SGD(model.parameters(), 0.01).momentum(0.9);
        AtomicReference<History> result = new AtomicReference<>();
        Thread training = new Thread(() -> result.set(new Trainer(model, sgd).quiet().fit(train, null, 1000)));
        training.start();
        Thread.sleep(1500);
        long interruptedAt = System.nanoTime();
        training.interrupt();
        training.join(10_000);
        double seconds = (System.nanoTime() - interruptedAt) / 1e9;
        assertFalse(training.isAlive(), "training did not stop");
        assertTrue(seconds < 2, "took " + seconds + " s to stop");
        assertTrue(result.get().interrupted());
        assertTrue(result.get().epochs().size() < 1000);
        Evaluation e = Evaluation.of(model, new DataLoader(DATA.test(), 250), FashionMnist.CLASS_NAMES);
        assertTrue(e.accuracy() >= 0 && e.accuracy() <= 1 && Double.isFinite(e.loss()), e.toString());
    }

    private static List<INDArray> weights(Sequential model) {
        return model.parameters().stream().map(p -> p.value().dup()).toList();
    }

    @Test
    void anInterruptedFitReturnsItsHistoryAndTheWeightsOfItsLastStep() throws Exception {
        Sequential model = LeNet5.modern();
        DataLoader train = new DataLoader(DATA.train(), 32).shuffle(3);
        SGD sgd = new SGD(model.parameters(), 0.01).momentum(0.9);
        AtomicReference<List<INDArray>> afterLastStep = new AtomicReference<>();
        AtomicInteger stepsSeen = new AtomicInteger();
        Trainer trainer = new Trainer(model, sgd).quiet().afterEachStep(steps -> {
            stepsSeen.set(steps);
            afterLastStep.set(weights(model));
        });
        AtomicReference<History> result = new AtomicReference<>();
        Thread training = new Thread(() -> result.set(trainer.fit(train, null, 1000)));
        training.start();
        Thread.sleep(1000);
        training.interrupt();
        training.join(10_000);
        History history = result.get();
        assertTrue(history.interrupted());
        assertTrue(history.steps() > 0 && history.steps() == stepsSeen.get(), history.steps() + " vs " + stepsSeen.get());
        assertTrue(history.toString().contains("(interrupted after " + history.steps() + " steps)"), history.toString());
        assertTrue(history.toTable().name().contains("interrupted"), history.toTable().name());
        List<INDArray> now = weights(model);
        for (int i = 0; i < now.size(); i++)
            assertEquals(afterLastStep.get().get(i), now.get(i), "parameter " + i + " differs from the weights after step " + history.steps());
    }

    @Test
    void anInterruptDuringTheTestPassKeepsTheEpoch() throws Exception {
        Sequential model = LeNet5.modern();
        DataLoader train = new DataLoader(DATA.train(), 64).limit(128);
        DataLoader test = new DataLoader(DATA.test(), 10);
        Trainer trainer = new Trainer(model, new SGD(model.parameters(), 0.01)).quiet();
        trainer.afterEachStep(steps -> {
            if (steps == 2) // the epoch's last step: interrupt what comes next, the test pass
                Thread.currentThread().interrupt();
        });
        History history = trainer.fit(train, test, 5);
        assertTrue(Thread.interrupted(), "the interrupt stands for the caller of fit too");
        assertTrue(history.interrupted());
        assertEquals(1, history.epochs().size());
        assertEquals(2, history.steps());
        assertTrue(Double.isNaN(history.last().testAccuracy()), "no test figures from a cut-short test pass");
    }

    /** Notebook 03: a cosine schedule down to 0 over the first run, then fit for more epochs than it covers. */
    @Test
    void trainingPastTheEndOfAScheduleThatEndsAtZeroGoesOn() {
        Sequential model = LeNet5.modern();
        DataLoader train = new DataLoader(DATA.train(), 64).limit(256);
        Trainer trainer = new Trainer(model, new SGD(model.parameters(), 0.05).momentum(0.9)).quiet()
                .schedule(LearningRate.cosine(0.05, 1, 0));
        trainer.fit(train, null, 1);
        History more = trainer.fit(train, null, 3);
        assertEquals(3, more.epochs().size());
        assertEquals(0.0, more.last().learningRate(), "past its end the schedule stays at its minimum");
        assertTrue(Double.isFinite(more.last().trainLoss()));
    }

    /** In a notebook the bar is shown once, redrawn in place, and ends "done"; the curves come after the epoch. */
    @Test
    void aLiveDisplayGetsTheProgressBarAndTheCurves() {
        List<String> events = new ArrayList<>();
        List<Object> barValues = new ArrayList<>();
        LiveDisplay recording = new LiveDisplay() {
            public boolean redrawsInPlace() {
                return true;
            }

            public String show(Object value) {
                String id = value instanceof Progress ? "bar" : "chart";
                events.add("show " + id);
                if (id.equals("bar"))
                    barValues.add(value);
                return id;
            }

            public void update(String id, Object value) {
                events.add("update " + id);
                if (id.equals("bar"))
                    barValues.add(value);
            }
        };
        Sequential model = LeNet5.modern();
        LiveDisplay.use(recording);
        try {
            new Trainer(model, new SGD(model.parameters(), 0.05)).fit(new DataLoader(DATA.train(), 64).limit(128),
                    new DataLoader(DATA.test(), 500).limit(500), 1);
        } finally {
            LiveDisplay.use(null);
        }
        assertEquals("show bar", events.get(0));
        assertEquals(1, events.stream().filter(e -> e.equals("show chart")).count(), events.toString());
        assertEquals(1, events.stream().filter(e -> e.equals("show bar")).count(), events.toString());
        Progress last = (Progress) barValues.get(barValues.size() - 1);
        assertEquals("done", last.note());
        assertEquals(2, last.batch());
        assertEquals(LiveDisplay.PRINTED, LiveDisplay.current(), "use(null) goes back to printed lines");
        assertFalse(LiveDisplay.PRINTED.redrawsInPlace());
    }
}
