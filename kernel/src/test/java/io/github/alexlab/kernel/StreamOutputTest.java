package io.github.alexlab.kernel;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamOutputTest {
    @Test
    void neverSplitsACharacter() {
        byte[] text = "a€😀".getBytes(StandardCharsets.UTF_8); // 1 + 3 + 4 bytes
        assertEquals(8, StreamOutput.completeUtf8Length(text));
        for (int cut = 2; cut < 4; cut++) // inside the euro sign
            assertEquals(1, StreamOutput.completeUtf8Length(Arrays.copyOf(text, cut)));
        for (int cut = 5; cut < 8; cut++) // inside the emoji
            assertEquals(4, StreamOutput.completeUtf8Length(Arrays.copyOf(text, cut)));
        assertEquals(4, StreamOutput.completeUtf8Length(Arrays.copyOf(text, 4)));
    }
}
