package minihttp.bench;

/** One measured run: wrk's figures and the server's own cost, CPU microseconds per request and peak RSS. */
record Measurement(WrkResult wrk, double cpuMicrosPerRequest, long peakRssKb) {

    private static final double MICROS_PER_SECOND = 1e6;

    /** The server's CPU time over the window ({@code ticks} at {@code ticksPerSecond}) spread over its requests. */
    static double cpuMicrosPerRequest(long ticks, long ticksPerSecond, long requests) {
        return requests == 0 ? Double.NaN : ticks * MICROS_PER_SECOND / ticksPerSecond / requests;
    }
}
