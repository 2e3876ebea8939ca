package minihttp.app;

import minihttp.http.HttpStatus;
import minihttp.http.Request;
import minihttp.http.Response;

/**
 * {@code GET /work?us=N}: N microseconds of CPU on the event loop, a busy loop of hashing. A teaching route: while it
 * spins, that loop serves nobody else, which is what the benchmark's server-bound scenarios measure with one and
 * with several loops. The raw Netty baseline spins with the same {@link #spin}.
 */
public final class Work {

    /**
     * The longest spin one request may ask for (10 ms). A pipelining client still holds the loop for as many spins
     * as one read brings (hundreds): the route is for measuring, not for a server open to anyone.
     */
    public static final long MAX_MICROS = 10_000;
    /** Hash rounds between clock reads: a few nanoseconds of work against a clock read of about twenty. */
    private static final int ROUNDS_PER_CLOCK_READ = 64;
    /** SplitMix64's multiplier: each round is a cheap, well-mixing step that the JIT cannot fold away. */
    private static final long MIX = 0x9E3779B97F4A7C15L;
    private static final long NANOS_PER_MICRO = 1_000;

    /** The last hash, stored so that the JIT keeps the loop that computes it. */
    @SuppressWarnings("unused")
    private static long sink;

    private Work() {}

    /** Spins {@code micros} µs (0 to {@link #MAX_MICROS}) on the calling thread; returns the hash it computed. */
    public static long spin(long micros) {
        long deadline = System.nanoTime() + micros * NANOS_PER_MICRO;
        long hash = micros;
        do {
            for (int i = 0; i < ROUNDS_PER_CLOCK_READ; i++) {
                hash = (hash ^ (hash >>> 31)) * MIX;
            }
        } while (System.nanoTime() - deadline < 0);
        sink = hash;
        return hash;
    }

    /** The µs asked for by an {@code us} query value (none is 0), or -1 when it is not a number from 0 to the max. */
    public static long micros(String value) {
        try {
            long us = value == null ? 0 : Long.parseLong(value);
            return us >= 0 && us <= MAX_MICROS ? us : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Spins N µs ({@code us} query parameter), then answers; 400 for a bad N. */
    static Response answer(Request request) {
        long us = micros(request.queryParam("us"));
        if (us < 0) {
            return Response.text(HttpStatus.BAD_REQUEST, "us must be a number from 0 to " + MAX_MICROS + "\n");
        }
        spin(us);
        return Response.text("worked " + us + " us\n");
    }
}
