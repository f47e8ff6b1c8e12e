package io.github.alexlab.train;

import io.github.alexlab.data.DataLoader;
import io.github.alexlab.data.FashionMnist;
import io.github.alexlab.models.LeNet5;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    @Test
    void beforeTheFirstStepItSaysStartingNotNaN() {
        Progress start = new Progress(1, 10, 0, 469, Double.NaN, Double.NaN, 0, "");
        assertTrue(start.toString().contains("starting…"), start.toString());
        assertFalse(start.toString().contains("NaN"), start.toString());
        assertFalse(start.toHtml().contains("NaN"), start.toHtml());
        Progress running = new Progress(1, 10, 5, 469, 2.1956961, 0.25, 1.5, "");
        assertTrue(running.toString().contains("loss 2.1957, accuracy 25.0%"), running.toString());
    }

    @Test
    void evaluationCountsItsImages() {
        Progress trained = new Progress(2, 10, 469, 469, 0.5, 0.8, 30, "");
        String line = trained.evaluating(2560, 10000).toString();
        assertTrue(line.contains("evaluating: 2,560 of 10,000 test images"), line);
        assertTrue(line.contains("loss 0.5000"), "the epoch's figures stay: " + line);
        assertEquals(trained.fraction(), trained.evaluating(2560, 10000).fraction());
    }

    @Test
    void anEvaluationReportsTheExamplesDoneAfterEachBatch() throws Exception {
        DataLoader test = new DataLoader(FashionMnist.load().test(), 100).limit(250);
        List<Long> done = new ArrayList<>();
        Evaluation e = Evaluation.of(LeNet5.modern(), test, FashionMnist.CLASS_NAMES, done::add);
        assertEquals(List.of(100L, 200L, 250L), done);
        assertEquals(250, e.examples());
    }
}
