package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.LeNet5;
import io.github.alexlab.nn.Sequential;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final FashionMnist DATA = bundled();

    private static FashionMnist bundled() {
        try {
            return FashionMnist.load(); // the bundled subset in a checkout
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
}
