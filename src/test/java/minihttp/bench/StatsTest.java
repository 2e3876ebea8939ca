package minihttp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {

    static Measurement run(double rps) {
        return new Measurement(new WrkResult((long) rps, rps, 100, 200, 1, 2), 3.5, 0.5, 2.0, 1024);
    }

    @Test
    void medianOfOddAndEvenCountsIgnoringNaN() {
        assertEquals(3, Stats.median(5, 1, 3), 0);
        assertEquals(2.5, Stats.median(4, 1, 3, 2), 0);
        assertEquals(2, Stats.median(Double.NaN, 2, Double.NaN), 0);
        assertTrue(Double.isNaN(Stats.median()));
        assertTrue(Double.isNaN(Stats.median(Double.NaN)));
    }

    @Test
    void medianOverRoundsSkipsFailedRuns() {
        Measurement[] rounds = {run(100), null, run(300), run(200)};
        assertEquals(200, Stats.median(rounds, m -> m.wrk().requestsPerSecond()), 0);
        assertTrue(Double.isNaN(Stats.median(new Measurement[] {null, null}, m -> m.wrk().requestsPerSecond())));
    }

    @Test
    void sameRoundRatioUsesOnlyRoundsWhereBothRan() {
        // Round ratios: 0.5, (server failed), 2.0 (baseline failed: skipped), 1.0 -> median of 0.5 and 1.0.
        Measurement[] server = {run(50), null, run(400), run(300)};
        Measurement[] baseline = {run(100), run(100), null, run(300)};
        assertEquals(0.75, Stats.sameRoundRatio(server, baseline), 1e-12);
    }

    @Test
    void sameRoundRatioDiffersFromRatioOfMediansWhenRoundsDrift() {
        // The machine slows down in round 2: both servers drop, the per-round ratio stays 0.9.
        Measurement[] server = {run(900), run(450), run(810)};
        Measurement[] baseline = {run(1000), run(500), run(900)};
        assertEquals(0.9, Stats.sameRoundRatio(server, baseline), 1e-12);
        assertTrue(Double.isNaN(Stats.sameRoundRatio(server, new Measurement[] {null, null, null})));
    }

    @Test
    void totalsSumOverMeasuredRounds() {
        assertEquals(3, Stats.total(new Measurement[] {run(1), null, run(2), run(3)}, m -> m.wrk().socketErrors()));
    }

    @Test
    void cpuTimePerRequest() {
        // 250 ticks at 100 Hz = 2.5 s of CPU over 1,000,000 requests = 2.5 us each.
        assertEquals(2.5, Measurement.cpuMicrosPerRequest(250, 100, 1_000_000), 1e-12);
        assertTrue(Double.isNaN(Measurement.cpuMicrosPerRequest(250, 100, 0)));
    }
}
