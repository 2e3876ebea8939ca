package minihttp.bench;

/**
 * One measured run: wrk's figures and the server's own cost, CPU microseconds per request (and of them, those of the
 * JVM runtime's threads: GC, JIT, VM operations; and those spent in the kernel) and peak RSS; NaN and -1 where the
 * server's process is not the harness's to measure ({@code --target}).
 */
record Measurement(WrkResult wrk, double cpuMicrosPerRequest, double runtimeMicrosPerRequest,
                   double kernelMicrosPerRequest, long peakRssKb) {

    private static final double MICROS_PER_SECOND = 1e6;
    private static final long UNKNOWN_RSS = -1;

    /** A run against a server the harness did not start: wrk's figures only. */
    static Measurement clientOnly(WrkResult wrk) {
        return new Measurement(wrk, Double.NaN, Double.NaN, Double.NaN, UNKNOWN_RSS);
    }

    /** The server's CPU time over the window ({@code ticks} at {@code ticksPerSecond}) spread over its requests. */
    static double cpuMicrosPerRequest(long ticks, long ticksPerSecond, long requests) {
        return requests == 0 ? Double.NaN : ticks * MICROS_PER_SECOND / ticksPerSecond / requests;
    }

    /**
     * Requests per second of server CPU time: the req/s one fully busy core would serve at this cost, which
     * compares one loop with many however many cores the run had. NaN when the CPU time is unknown or zero.
     */
    double requestsPerCpuSecond() {
        return cpuMicrosPerRequest > 0 ? MICROS_PER_SECOND / cpuMicrosPerRequest : Double.NaN;
    }

    /**
     * CPU microseconds per request of the server's own code in user space: the whole less the JVM runtime's threads
     * and the kernel's time; NaN when the CPU time is unknown.
     */
    double userMicrosPerRequest() {
        return cpuMicrosPerRequest - runtimeMicrosPerRequest - kernelMicrosPerRequest;
    }

    /** Peak RSS in KiB, NaN when unknown. */
    double peakRss() {
        return peakRssKb == UNKNOWN_RSS ? Double.NaN : peakRssKb;
    }
}
