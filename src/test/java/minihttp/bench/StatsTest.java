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

    static Measurement cpu(double cpu, double runtime, double kernel) {
        return new Measurement(new WrkResult(1000, 1000, 100, 200, 0, 0), cpu, runtime, kernel, 1024);
    }

    @Test
    void sameRoundFiguresOfTheCpuSkipRoundsWithoutABaselineFigure() {
        // CPU ratios 1.2, 1.5, (baseline failed), 1.0 -> 1.2; kernel: the last round's baseline shows 0 ticks.
        Measurement[] server = {cpu(1.2, 0.2, 0.6), cpu(1.5, 0.3, 0.6), cpu(9, 9, 9), cpu(1.0, 0.1, 0.3)};
        Measurement[] baseline = {cpu(1.0, 0.1, 0.6), cpu(1.0, 0.1, 0.5), null, cpu(1.0, 0.1, 0)};
        assertEquals(1.2, Stats.sameRoundRatio(server, baseline, Measurement::cpuMicrosPerRequest), 1e-9);
        assertEquals(1.1, Stats.sameRoundRatio(server, baseline, Measurement::kernelMicrosPerRequest), 1e-9);
        // User space: 0.4 / 0.3, 0.6 / 0.4, 0.6 / 0.9 -> median 4/3.
        assertEquals(0.4, server[0].userMicrosPerRequest(), 1e-9);
        assertEquals(4.0 / 3, Stats.sameRoundRatio(server, baseline, Measurement::userMicrosPerRequest), 1e-9);
        // GC + JIT differences 0.1, 0.2, 0.0 -> 0.1.
        assertEquals(0.1, Stats.sameRoundDifference(server, baseline, Measurement::runtimeMicrosPerRequest), 1e-9);
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
