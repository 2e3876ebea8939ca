package minihttp.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a connection may take at each step before the server gives up on it.
 *
 * @param idle how long a keep-alive connection may sit between requests (nothing received, nothing being served)
 * @param header the deadline for a whole request head, from its first byte (for the first request of a
 *     connection, from the accept): a client that trickles its headers is closed when it passes
 * @param body how long a request body may go without a read before the request is given up with 408
 * @param shutdown how long a graceful shutdown waits for requests in flight before it closes their connections
 * @param minBodyRate the slowest a request body may arrive, in bytes per second averaged from its start, once
 *     {@code minBodyRateGrace} has passed: a slower one is given up with 408 (0: no minimum). Time in which a
 *     streamed body's service is not reading does not count against the client.
 * @param minBodyRateGrace how long a request body may arrive slower than {@code minBodyRate}, from its start
 */
public record Timeouts(Duration idle, Duration header, Duration body, Duration shutdown,
                       long minBodyRate, Duration minBodyRateGrace) {

    /** Kestrel's {@code MinRequestBodyDataRate}: 240 bytes/s, enforced after 5 s. */
    public static final long DEFAULT_MIN_BODY_RATE = 240;
    public static final Duration DEFAULT_MIN_BODY_RATE_GRACE = Duration.ofSeconds(5);

    /** 60 s idle, 10 s for a request head, 30 s between body reads, 10 s to drain on shutdown, 240 B/s after 5 s. */
    public static final Timeouts DEFAULT =
            new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10));

    public Timeouts {
        positive(idle, "idle");
        positive(header, "header");
        positive(body, "body");
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
    }

    /** These timeouts with the default minimum body rate. */
    public Timeouts(Duration idle, Duration header, Duration body, Duration shutdown) {
        this(idle, header, body, shutdown, DEFAULT_MIN_BODY_RATE, DEFAULT_MIN_BODY_RATE_GRACE);
    }

    public Timeouts withIdle(Duration idle) {
        return new Timeouts(idle, header, body, shutdown, minBodyRate, minBodyRateGrace);
    }

    public Timeouts withHeader(Duration header) {
        return new Timeouts(idle, header, body, shutdown, minBodyRate, minBodyRateGrace);
    }

    public Timeouts withBody(Duration body) {
        return new Timeouts(idle, header, body, shutdown, minBodyRate, minBodyRateGrace);
    }

    public Timeouts withShutdown(Duration shutdown) {
        return new Timeouts(idle, header, body, shutdown, minBodyRate, minBodyRateGrace);
    }

    /** The slowest a body may arrive in bytes per second (0: no minimum), enforced once {@code grace} has passed. */
    public Timeouts withMinBodyRate(long bytesPerSecond, Duration grace) {
        return new Timeouts(idle, header, body, shutdown, bytesPerSecond, grace);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " timeout must be positive");
        }
    }
}
