package io.github.alexlab.lesson;

import java.util.ArrayList;
import java.util.List;

/**
 * Where checks leave their verdicts. The kernel's {@code %%test} magic opens a recording before
 * the test cell runs and closes it after, so what a test scored is what the kernel saw, not what a
 * name in the student's cells says (a student's own {@code check} method cannot stand in for it).
 * Outside a test cell a check prints its verdict, so students can use checks anywhere.
 */
public final class Verdicts {
    private static List<Verdict> recording; // null when no test cell runs

    private Verdicts() {}

    /** Starts recording for one test cell; a recording left open by a failed cell is dropped. */
    public static synchronized void open() {
        recording = new ArrayList<>();
    }

    /** Ends the recording and returns its verdicts, in the order the checks ran. */
    public static synchronized List<Verdict> close() {
        List<Verdict> done = recording == null ? List.of() : List.copyOf(recording);
        recording = null;
        return done;
    }

    static synchronized Verdict add(Verdict verdict) {
        if (recording != null)
            recording.add(verdict);
        else
            System.out.println(verdict); // printed now, with the hint it has so far
        return verdict;
    }
}
