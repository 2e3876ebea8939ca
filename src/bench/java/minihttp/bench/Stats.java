package minihttp.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** Medians over rounds, and ratios to the baseline taken within each round. */
final class Stats {

    private Stats() {}

    /** The median of the values that are not NaN; NaN when there are none. */
    static double median(double... values) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The median of one figure over the rounds that produced a measurement (null entries are failed runs). */
    static <T> double median(T[] rounds, ToDoubleFunction<? super T> figure) {
        return median(Arrays.stream(rounds).filter(Objects::nonNull).mapToDouble(figure).toArray());
    }

    /**
     * The median over rounds of server / baseline req/s, from rounds where both ran: drift between rounds
     * (thermal state, noise from other processes) cancels out of each ratio.
     */
    static double sameRoundRatio(Measurement[] server, Measurement[] baseline) {
        return sameRoundRatio(server, baseline, m -> m.wrk().requestsPerSecond());
    }

    /**
     * The median over rounds of server / baseline {@code figure}, from rounds where both ran and the baseline's
     * figure is above zero (a CPU time too short to show in whole ticks is not one).
     */
    static double sameRoundRatio(Measurement[] server, Measurement[] baseline,
                                 ToDoubleFunction<Measurement> figure) {
        return sameRound(server, baseline, (s, b) -> {
            double base = figure.applyAsDouble(b);
            return base > 0 ? figure.applyAsDouble(s) / base : Double.NaN;
        });
    }

    /** The median over rounds of server less baseline {@code figure}, from rounds where both ran. */
    static double sameRoundDifference(Measurement[] server, Measurement[] baseline,
                                      ToDoubleFunction<Measurement> figure) {
        return sameRound(server, baseline, (s, b) -> figure.applyAsDouble(s) - figure.applyAsDouble(b));
    }

    private static double sameRound(Measurement[] server, Measurement[] baseline,
                                    ToDoubleBiFunction<Measurement, Measurement> compare) {
        List<Double> values = new ArrayList<>();
        for (int r = 0; r < Math.min(server.length, baseline.length); r++) {
            if (server[r] != null && baseline[r] != null) {
                values.add(compare.applyAsDouble(server[r], baseline[r]));
            }
        }
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The sum of a count over the measured rounds. */
    static long total(Measurement[] rounds, ToLongFunction<Measurement> count) {
        return Arrays.stream(rounds).filter(Objects::nonNull).mapToLong(count).sum();
    }
}
