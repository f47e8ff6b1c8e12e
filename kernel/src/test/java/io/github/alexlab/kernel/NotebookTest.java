package io.github.alexlab.kernel;

import io.github.alexlab.train.LiveDisplay;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training's live display is the notebook's once the kernel attaches it, and printed lines again after. */
class NotebookTest {
    @Test
    void attachingTheKernelMakesTrainingRedrawInTheNotebook() {
        List<String> sent = new ArrayList<>();
        Notebook.attach(new Notebook.Frontend() {
            public void display(String displayId, Object value, boolean update) {
                sent.add((update ? "update " : "display ") + displayId + " " + value);
            }

            public void clearOutput(boolean wait) {
            }

            public String input(String prompt, boolean password) {
                return null;
            }
        });
        try {
            LiveDisplay display = LiveDisplay.current();
            assertTrue(display.redrawsInPlace());
            String id = display.show("epoch 1");
            display.update(id, "epoch 2");
            assertEquals(List.of("display " + id + " epoch 1", "update " + id + " epoch 2"), sent);
        } finally {
            Notebook.attach(null);
        }
        assertFalse(Notebook.attached());
        assertEquals(LiveDisplay.PRINTED, LiveDisplay.current());
    }
}
