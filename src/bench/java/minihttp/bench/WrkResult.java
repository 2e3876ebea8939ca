package minihttp.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The figures the harness reads from one {@code wrk --latency} run; latencies in microseconds, NaN if unknown. */
record WrkResult(long requests, double requestsPerSecond, double p50Micros, double p99Micros, long socketErrors,
                 long non2xx) {

    /** The summary line, e.g. "  1234567 requests in 10.00s, 150.70MB read". */
    private static final Pattern REQUESTS = Pattern.compile("^\\s*(\\d+) requests in ", Pattern.MULTILINE);
    private static final Pattern REQUESTS_PER_SECOND =
            Pattern.compile("^Requests/sec:\\s+([\\d.]+)", Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    /** A percentile line of the "Latency Distribution" block, e.g. "     99%    1.35s". */
    private static final String PERCENTILE = "^\\s+%d%%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$";
    private static final double MICROS_PER_MS = 1e3;
    private static final double MICROS_PER_S = 1e6;
    private static final double SECONDS_PER_MINUTE = 60;
    private static final double SECONDS_PER_HOUR = 3600;

    /** Parses wrk's report; wrk leaves out the error lines when there were none, so those default to 0. */
    static WrkResult parse(String output) {
        Matcher rps = REQUESTS_PER_SECOND.matcher(output);
        if (!rps.find()) {
            throw new IllegalArgumentException("no Requests/sec line in wrk output:\n" + output);
        }
        long socketErrors = 0;
        Matcher errors = SOCKET_ERRORS.matcher(output);
        if (errors.find()) {
            for (int group = 1; group <= errors.groupCount(); group++) {
                socketErrors += Long.parseLong(errors.group(group));
            }
        }
        Matcher requests = REQUESTS.matcher(output);
        if (!requests.find()) {
            throw new IllegalArgumentException("no 'N requests in' line in wrk output:\n" + output);
        }
        Matcher non2xx = NON_2XX.matcher(output);
        return new WrkResult(Long.parseLong(requests.group(1)), Double.parseDouble(rps.group(1)),
                percentile(output, 50), percentile(output, 99),
                socketErrors, non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
    }

    private static double percentile(String output, int percent) {
        Matcher m = Pattern.compile(String.format(Locale.ROOT, PERCENTILE, percent), Pattern.MULTILINE).matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + percent + "% latency line (was --latency given?):\n" + output);
        }
        double value = Double.parseDouble(m.group(1));
        if (value == 0) {
            // wrk prints 0 when its histogram cannot place the rank (seen on short runs against a cold server).
            return Double.NaN;
        }
        return switch (m.group(2)) {
            case "us" -> value;
            case "ms" -> value * MICROS_PER_MS;
            case "s" -> value * MICROS_PER_S;
            case "m" -> value * SECONDS_PER_MINUTE * MICROS_PER_S;
            default -> value * SECONDS_PER_HOUR * MICROS_PER_S;
        };
    }

    /** A latency in wrk's own style: "812.00us", "4.79ms", "1.35s"; "n/a" for NaN. */
    static String formatMicros(double micros) {
        if (Double.isNaN(micros)) {
            return "n/a";
        }
        if (micros < MICROS_PER_MS) {
            return String.format(Locale.ROOT, "%.2fus", micros);
        }
        if (micros < MICROS_PER_S) {
            return String.format(Locale.ROOT, "%.2fms", micros / MICROS_PER_MS);
        }
        return String.format(Locale.ROOT, "%.2fs", micros / MICROS_PER_S);
    }
}
