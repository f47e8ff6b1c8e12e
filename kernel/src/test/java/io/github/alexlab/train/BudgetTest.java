package io.github.alexlab.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BudgetTest {
    @Test
    void epochsComeFromTheVariableOrTheDefault() {
        assertEquals(7, Budget.parseEpochs(null, 7));
        assertEquals(7, Budget.parseEpochs("  ", 7));
        assertEquals(2, Budget.parseEpochs(" 2 ", 7));
        for (String bad : new String[]{"0", "-1", "two", "1.5"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Budget.parseEpochs(bad, 7));
            assertEquals("ALEXLAB_EPOCHS must be a whole number >= 1, got '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void describesItself() {
        assertEquals("Budget: 10 epochs on every training image (the notebook's own budget; ALEXLAB_EPOCHS and ALEXLAB_DATASET_LIMIT shorten it)",
                new Budget(10, Budget.ALL, false).toString());
        assertEquals("Budget: 1 epoch on at most 2,000 training images (shortened by ALEXLAB_EPOCHS / ALEXLAB_DATASET_LIMIT)",
                new Budget(1, 2000, true).toString());
        assertEquals(2000, new Budget(1, 2000, true).examplesOf(60000));
        assertEquals(1000, new Budget(1, 2000, true).examplesOf(1000));
        assertThrows(IllegalArgumentException.class, () -> new Budget(0, 5, false));
    }
}
