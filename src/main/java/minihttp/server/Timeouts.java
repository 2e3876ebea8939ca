package minihttp.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a connection may take at each step before the server gives up on it.
 *
 * @param idle how long a keep-alive connection may sit between requests (nothing received, nothing being served);
 *     also how long a client that has closed its side waits for what it is owed before the connection is closed
 * @param header the deadline for a whole request head, from its first byte (for the first request of a
 *     connection, from the accept): a client that trickles its headers is closed when it passes
 * @param body how long a request body may go without a read before the request is given up with 408
 * @param shutdown how long a graceful shutdown waits for requests in flight before it closes their connections
 * @param write how long output over the write buffer's high water mark may go without draining below its low
 *     water mark before the connection is closed: its client has stopped reading
 * @param minBodyRate the slowest a request body may arrive, in bytes per second averaged from its start, once
 *     {@code minBodyRateGrace} has passed: a slower one is given up with 408 (0: no minimum). Time in which a
 *     streamed body's service is not reading does not count against the client.
 * @param minBodyRateGrace how long a request body may arrive slower than {@code minBodyRate}, from its start
 */
public record Timeouts(Duration idle, Duration header, Duration body, Duration shutdown, Duration write,
                       long minBodyRate, Duration minBodyRateGrace) {

    /** The default write timeout: 30 s. */
    public static final Duration DEFAULT_WRITE = Duration.ofSeconds(30);
    /** Kestrel's {@code MinRequestBodyDataRate}: 240 bytes/s, enforced after 5 s. */
    public static final long DEFAULT_MIN_BODY_RATE = 240;
    /** The grace period of {@link #DEFAULT_MIN_BODY_RATE}: 5 s. */
    public static final Duration DEFAULT_MIN_BODY_RATE_GRACE = Duration.ofSeconds(5);
    /**
     * The longest any of these durations is taken to be, 365 days: a longer one (meaning "never") means this, as
     * deadlines are kept in nanoseconds, whose sums overflow past 292 years.
     */
    public static final Duration MAX = Duration.ofDays(365);

    /**
     * 60 s idle, 10 s for a request head, 30 s between body reads, 10 s to drain on shutdown, 30 s to write,
     * 240 B/s of body after 5 s.
     */
    public static final Timeouts DEFAULT =
            new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10));

    /**
     * Checks that every duration is positive (shutdown: not negative) and the rate not negative; a duration
     * longer than {@link #MAX} is taken as {@code MAX}.
     *
     * @param idle see {@link #idle()}
     * @param header see {@link #header()}
     * @param body see {@link #body()}
     * @param shutdown see {@link #shutdown()}
     * @param write see {@link #write()}
     * @param minBodyRate see {@link #minBodyRate()}
     * @param minBodyRateGrace see {@link #minBodyRateGrace()}
     */
    public Timeouts {
        positive(idle, "idle");
        positive(header, "header");
        positive(body, "body");
        positive(write, "write");
        Objects.requireNonNull(shutdown, "shutdown");
        if (shutdown.isNegative()) {
            throw new IllegalArgumentException("shutdown timeout must not be negative");
        }
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("minimum body rate must not be negative");
        }
        Objects.requireNonNull(minBodyRateGrace, "minBodyRateGrace");
        if (minBodyRateGrace.isNegative() || minBodyRateGrace.isZero()) {
            throw new IllegalArgumentException("minimum body rate grace must be positive");
        }
        idle = atMostMax(idle);
        header = atMostMax(header);
        body = atMostMax(body);
        shutdown = atMostMax(shutdown);
        write = atMostMax(write);
        minBodyRateGrace = atMostMax(minBodyRateGrace);
    }

    private static Duration atMostMax(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }

    /**
     * The given timeouts with the default write timeout and minimum body rate.
     *
     * @param idle see {@link #idle()}
     * @param header see {@link #header()}
     * @param body see {@link #body()}
     * @param shutdown see {@link #shutdown()}
     */
    public Timeouts(Duration idle, Duration header, Duration body, Duration shutdown) {
        this(idle, header, body, shutdown, DEFAULT_WRITE, DEFAULT_MIN_BODY_RATE, DEFAULT_MIN_BODY_RATE_GRACE);
    }

    /**
     * These timeouts with another idle timeout.
     *
     * @param idle see {@link #idle()}
     * @return the new timeouts
     */
    public Timeouts withIdle(Duration idle) {
        return new Timeouts(idle, header, body, shutdown, write, minBodyRate, minBodyRateGrace);
    }

    /**
     * These timeouts with another head deadline.
     *
     * @param header see {@link #header()}
     * @return the new timeouts
     */
    public Timeouts withHeader(Duration header) {
        return new Timeouts(idle, header, body, shutdown, write, minBodyRate, minBodyRateGrace);
    }

    /**
     * These timeouts with another body timeout.
     *
     * @param body see {@link #body()}
     * @return the new timeouts
     */
    public Timeouts withBody(Duration body) {
        return new Timeouts(idle, header, body, shutdown, write, minBodyRate, minBodyRateGrace);
    }

    /**
     * These timeouts with another shutdown timeout.
     *
     * @param shutdown see {@link #shutdown()}
     * @return the new timeouts
     */
    public Timeouts withShutdown(Duration shutdown) {
        return new Timeouts(idle, header, body, shutdown, write, minBodyRate, minBodyRateGrace);
    }

    /**
     * These timeouts with another write timeout.
     *
     * @param write see {@link #write()}
     * @return the new timeouts
     */
    public Timeouts withWrite(Duration write) {
        return new Timeouts(idle, header, body, shutdown, write, minBodyRate, minBodyRateGrace);
    }

    /**
     * These timeouts with another minimum body rate.
     *
     * @param bytesPerSecond see {@link #minBodyRate()}
     * @param grace see {@link #minBodyRateGrace()}
     * @return the new timeouts
     */
    public Timeouts withMinBodyRate(long bytesPerSecond, Duration grace) {
        return new Timeouts(idle, header, body, shutdown, write, bytesPerSecond, grace);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " timeout must be positive");
        }
    }
}
