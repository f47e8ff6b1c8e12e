package io.github.alexlab.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This kernel's own input history (what {@code history_request} asks for): tail, range and glob
 * search, each entry {@code [session, line, input]} or {@code [session, line, [input, output]]}.
 * It lives as long as the kernel; there is one session, numbered 1 (0 also means "this one").
 */
final class InputHistory {
    static final int SESSION = 1;

    private record Entry(int line, String input, String output) {}

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int line, String input, String output) {
        entries.add(new Entry(line, input, output));
    }

    synchronized JsonArray tail(int n, boolean output) {
        int from = Math.max(0, entries.size() - Math.max(0, n));
        return toJson(entries.subList(from, entries.size()), output);
    }

    /** Lines {@code start <= line < stop} of a session ({@code stop <= 0}: to the end). */
    synchronized JsonArray range(int session, int start, int stop, boolean output) {
        if (session != 0 && session != SESSION)
            return new JsonArray();
        List<Entry> picked = new ArrayList<>();
        for (Entry e : entries)
            if (e.line() >= start && (stop <= 0 || e.line() < stop))
                picked.add(e);
        return toJson(picked, output);
    }

    /** Inputs matching a glob ({@code *}, {@code ?}); the last {@code n} (all when n <= 0), unique if asked. */
    synchronized JsonArray search(String glob, int n, boolean unique, boolean output) {
        String pattern = glob == null || glob.isEmpty() ? "*" : glob;
        List<Entry> matches = new ArrayList<>();
        for (Entry e : entries)
            if (globMatches(pattern, e.input()))
                matches.add(e);
        if (unique) { // keep the latest occurrence of each input
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : matches) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            matches = new ArrayList<>(latest.values());
        }
        if (n > 0 && matches.size() > n)
            matches = matches.subList(matches.size() - n, matches.size());
        return toJson(matches, output);
    }

    /**
     * Whether the whole text matches the glob ({@code *} any run of characters, {@code ?} one).
     * Not through a regular expression: {@code .*a.*a.*a...b} backtracks exponentially on a long
     * entry. Here a mismatch goes back only to the last {@code *}, trying it one character longer:
     * at most pattern length times text length steps.
     */
    static boolean globMatches(String glob, String text) {
        int g = 0, t = 0;
        int lastStar = -1, textAtStar = 0;
        while (t < text.length()) {
            if (g < glob.length() && glob.charAt(g) == '*') {
                lastStar = g++;
                textAtStar = t;
            } else if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                g++;
                t++;
            } else if (lastStar >= 0) {
                g = lastStar + 1;
                t = ++textAtStar;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*')
            g++;
        return g == glob.length();
    }

    private static JsonArray toJson(List<Entry> picked, boolean output) {
        JsonArray out = new JsonArray();
        for (Entry e : picked) {
            JsonArray row = new JsonArray();
            row.add(SESSION);
            row.add(e.line());
            if (output) {
                JsonArray io = new JsonArray();
                io.add(e.input());
                if (e.output() == null)
                    io.add(JsonNull.INSTANCE);
                else
                    io.add(e.output());
                row.add(io);
            } else {
                row.add(e.input());
            }
            out.add(row);
        }
        return out;
    }
}
