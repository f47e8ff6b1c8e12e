package io.github.alexlab.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MemoryLedgerTest {
    @Test
    void countsAllocatedAndPeakPerDevice() {
        var ledger = new MemoryLedger();
        long a = ledger.allocated(0, "FLOAT [10]", 40);
        long b = ledger.allocated(0, "FLOAT [100]", 400);
        long c = ledger.allocated(1, "HALF [8]", 16);
        assertEquals(440, ledger.allocatedBytes(0));
        assertEquals(16, ledger.allocatedBytes(1));
        ledger.released(b);
        assertEquals(40, ledger.allocatedBytes(0));
        assertEquals(440, ledger.peakBytes(0), "the peak stays");
        ledger.resetPeak(0);
        assertEquals(40, ledger.peakBytes(0));
        assertEquals(2, ledger.entries().size());
        assertEquals("FLOAT [10]", ledger.entries().get(0).what());
        assertTrue(ledger.toString().contains("gpu:1: 16 bytes allocated"), ledger.toString());
        var e = assertThrows(IllegalStateException.class, () -> ledger.released(b));
        assertTrue(e.getMessage().contains("already released"));
        ledger.released(a);
        ledger.released(c);
        assertEquals(0, ledger.allocatedBytes(0) + ledger.allocatedBytes(1));
        assertThrows(IllegalArgumentException.class, () -> ledger.allocated(0, "x", -1));
    }
}
