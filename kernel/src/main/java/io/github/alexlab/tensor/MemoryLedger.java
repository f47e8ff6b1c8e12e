package io.github.alexlab.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every byte of device memory our arrays hold: per device the bytes allocated now, the peak since the
 * start (or the last {@link #resetPeak}), and a line per live array, the Java counterpart of PyTorch's
 * {@code torch.cuda.memory_allocated()} and {@code max_memory_allocated()}. A JShell variable that is
 * redefined keeps its old value reachable, so device memory is freed by {@code close()}, not by the
 * garbage collector, and this ledger shows what is still held.
 */
public final class MemoryLedger {
    /** One live allocation. */
    public record Entry(long id, int device, String what, long bytes) {}

    private static final MemoryLedger GLOBAL = new MemoryLedger();

    /** A ledger of its own (tests); the arrays record themselves in {@link #global()}. */
    public MemoryLedger() {
    }

    private final Map<Long, Entry> live = new LinkedHashMap<>();
    private final Map<Integer, Long> allocated = new LinkedHashMap<>(), peak = new LinkedHashMap<>();
    private long nextId = 1;

    /** The ledger of this process's GPU arrays. */
    public static MemoryLedger global() {
        return GLOBAL;
    }

    /** Records an allocation and returns its id, for {@link #released}. */
    public synchronized long allocated(int device, String what, long bytes) {
        if (bytes < 0)
            throw new IllegalArgumentException("a negative allocation: " + bytes + " bytes for " + what);
        long id = nextId++;
        live.put(id, new Entry(id, device, what, bytes));
        long now = allocated.merge(device, bytes, Long::sum);
        peak.merge(device, now, Math::max);
        return id;
    }

    /** Records that allocation {@code id} was freed; a second release of the same id is an error. */
    public synchronized void released(long id) {
        Entry e = live.remove(id);
        if (e == null)
            throw new IllegalStateException("allocation " + id + " was already released (or never recorded)");
        allocated.merge(e.device(), -e.bytes(), Long::sum);
    }

    /** Bytes held now on {@code device}. */
    public synchronized long allocatedBytes(int device) {
        return allocated.getOrDefault(device, 0L);
    }

    /** The most bytes held at once on {@code device}. */
    public synchronized long peakBytes(int device) {
        return peak.getOrDefault(device, 0L);
    }

    /** Starts the peak again from what is held now. */
    public synchronized void resetPeak(int device) {
        peak.put(device, allocatedBytes(device));
    }

    /** The live allocations, oldest first. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(live.values());
    }

    @Override
    public synchronized String toString() {
        if (live.isEmpty() && peak.isEmpty())
            return "no device memory allocated";
        StringBuilder s = new StringBuilder();
        for (int device : peak.keySet())
            s.append("gpu:").append(device).append(": ").append(allocatedBytes(device)).append(" bytes allocated, peak ")
                    .append(peakBytes(device)).append(" bytes\n");
        for (Entry e : live.values())
            s.append("  #").append(e.id()).append(" gpu:").append(e.device()).append(' ').append(e.what()).append(": ")
                    .append(e.bytes()).append(" bytes\n");
        return s.toString().stripTrailing();
    }
}
