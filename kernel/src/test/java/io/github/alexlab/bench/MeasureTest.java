package io.github.alexlab.bench;

import io.github.alexlab.tensor.Device;
import io.github.alexlab.viz.Units;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeasureTest {
    @Test
    void warmupsAreNotTimedAndSetupRunsBeforeEveryRun() {
        AtomicInteger calls = new AtomicInteger(), setups = new AtomicInteger();
        Measurement m = Measure.of("count", calls::incrementAndGet).before(setups::incrementAndGet)
                .warmups(0).repeats(7).run();
        assertEquals(7, m.runs());
        assertEquals(7, calls.get());
        assertEquals(7, setups.get());
    }

    @Test
    void quickWorkWarmsUpLongerSlowWorkOnlyAsOftenAsAsked() {
        AtomicInteger quick = new AtomicInteger(), slow = new AtomicInteger();
        Measure.of("quick", quick::incrementAndGet).warmups(1).repeats(3).run();
        assertTrue(quick.get() > 3 + 10, "quick work kept warming up for 0.2 s: " + quick.get() + " calls");
        Measure.of("slow", () -> { slow.incrementAndGet(); sleep(120); }).warmups(2).repeats(1).run();
        assertEquals(3, slow.get(), "2 warm-ups (240 ms, past the 0.2 s) and 1 timed run");
    }

    @Test
    void theSetupIsNotTimed() {
        Measurement m = Measure.of("quick", () -> { }).before(() -> sleep(30)).warmups(0).repeats(3).run();
        assertTrue(m.max() < 0.02, "the 30 ms setup leaked into the timing: " + m);
    }

    @Test
    void slowWorkStopsRepeatingAfterTheTimeLimitButIsTimedAtLeastOnce() {
        Measurement m = Measure.of("slow", () -> sleep(60)).warmups(0).repeats(50).seconds(0.1).run();
        assertEquals(2, m.runs(), "runs stop once 0.1 s are spent: " + m);
        assertTrue(m.min() >= 0.059, m.toString());
    }

    @Test
    void ratesComeFromTheMedianAndTheCountedWork() {
        Measurement m = new Measurement("known", Device.cpu(), new double[]{0.5, 0.1, 0.2, 9.0}, 4e9, 1e9);
        assertEquals(0.35, m.median(), 1e-12);
        assertEquals(0.1, m.min());
        assertEquals(9.0, m.max());
        assertEquals(4e9 / 0.35 / 1e9, m.gflops(), 1e-9);
        assertEquals(1e9 / 0.35 / 1e9, m.gbPerSecond(), 1e-9);
        assertEquals(4.0, m.intensity());
        assertTrue(Double.isNaN(Measure.of("uncounted", () -> { }).run().gflops()));
    }

    @Test
    void badSettingsNameTheMeasurement() {
        var e = assertThrows(IllegalArgumentException.class, () -> Measure.of("conv1", () -> { }).repeats(0));
        assertTrue(e.getMessage().startsWith("conv1:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Measure.of("x", () -> { }).flops(-1));
        assertThrows(IllegalArgumentException.class, () -> Measure.of("x", () -> { }).seconds(0));
    }

    @Test
    void unitsReadAsAPersonWouldSayThem() {
        assertEquals("850 µs", Units.time(850e-6));
        assertEquals("12.3 ms", Units.time(0.01234));
        assertEquals("4.21 s", Units.time(4.214));
        assertEquals("50 ns", Units.time(5e-8));
        assertEquals("1 ms", Units.time(999.96e-6), "rounding up moves to the next unit");
        assertEquals("1 min", Units.time(59.97));
        assertEquals("1.5 min", Units.time(90));
        assertEquals("2.5 h", Units.time(9000));
        assertEquals("18 days", Units.time(18 * 86400 + 600));
        assertEquals("1 day", Units.time(86400));
        assertEquals("2.3 years", Units.time(2.3 * 365.25 * 86400));
        assertEquals("0 s", Units.time(0));
        assertEquals("3.0 GiB", Units.bytes(3L << 30));
        assertEquals(0.0123, Units.round3(0.012345));
        assertEquals(1235.0, Units.round3(1234.6));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
