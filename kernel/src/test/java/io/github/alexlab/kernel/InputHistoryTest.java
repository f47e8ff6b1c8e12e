package io.github.alexlab.kernel;

import com.google.gson.JsonArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class InputHistoryTest {
    private static InputHistory sample() {
        InputHistory h = new InputHistory();
        h.add(1, "int x = 1;", null);
        h.add(2, "Math.max(1, 2)", "2");
        h.add(3, "x + 1", "2");
        h.add(4, "Math.max(1, 2)", "2");
        h.add(5, "Math.max(3, 4)", "4");
        return h;
    }

    @Test
    void tailGivesTheLastEntriesInOrder() {
        JsonArray tail = sample().tail(2, false);
        assertEquals(2, tail.size());
        assertEquals(4, tail.get(0).getAsJsonArray().get(1).getAsInt());
        assertEquals("Math.max(3, 4)", tail.get(1).getAsJsonArray().get(2).getAsString());
    }

    @Test
    void rangeIsHalfOpenAndWithOutput() {
        JsonArray range = sample().range(InputHistory.SESSION, 2, 4, true);
        assertEquals(2, range.size());
        JsonArray io = range.get(0).getAsJsonArray().get(2).getAsJsonArray();
        assertEquals("Math.max(1, 2)", io.get(0).getAsString());
        assertEquals("2", io.get(1).getAsString());
        assertEquals(0, sample().range(7, 1, 0, false).size(), "other sessions are not ours");
    }

    @Test
    void searchIsAGlobWithUniqueAndN() {
        assertEquals(3, sample().search("Math.max*", 0, false, false).size());
        JsonArray unique = sample().search("Math.max*", 0, true, false);
        assertEquals(2, unique.size());
        assertEquals(4, unique.get(0).getAsJsonArray().get(1).getAsInt(), "unique keeps the latest occurrence");
        assertEquals(1, sample().search("Math.max*", 1, false, false).size());
        assertEquals(1, sample().search("x ? 1", 0, false, false).size());
        assertEquals(0, sample().search("nothing*", 0, false, false).size());
    }

    @Test
    void globMatchingTakesNoBacktrackingDetours() {
        assertTrue(InputHistory.globMatches("Math.max*", "Math.max(1, 2)"));
        assertTrue(InputHistory.globMatches("*x?+?1", "x + 1"));
        assertFalse(InputHistory.globMatches("Math.max", "Math.max(1, 2)"), "the whole input must match");
        assertTrue(InputHistory.globMatches("", ""));
        // As a regular expression (.*a.*a...b) this takes longer than anyone waits for.
        String pattern = "*a".repeat(12) + "*b", text = "a".repeat(100_000);
        long started = System.nanoTime();
        assertFalse(InputHistory.globMatches(pattern, text));
        assertTrue(InputHistory.globMatches(pattern, text + "b"));
        assertTrue(System.nanoTime() - started < 2_000_000_000L, "glob matching is linear in the text");
    }
}
