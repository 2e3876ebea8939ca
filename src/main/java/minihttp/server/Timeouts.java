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
 * @param write how long output over the write buffer's high water mark may go without draining below its low
 *     water mark before the connection is closed: its client has stopped reading
 */
public record Timeouts(Duration idle, Duration header, Duration body, Duration shutdown, Duration write) {

    /** The default write timeout: 30 s. */
    public static final Duration DEFAULT_WRITE = Duration.ofSeconds(30);
    /** 60 s idle, 10 s for a request head, 30 s between body reads, 10 s to drain on shutdown, 30 s to write. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(10), DEFAULT_WRITE);

    public Timeouts {
        positive(idle, "idle");
        positive(header, "header");
        positive(body, "body");
        positive(write, "write");
        Objects.requireNonNull(shutdown, "shutdown");
        if (shutdown.isNegative()) {
            throw new IllegalArgumentException("shutdown timeout must not be negative");
        }
    }

    /** The given timeouts with the default write timeout. */
    public Timeouts(Duration idle, Duration header, Duration body, Duration shutdown) {
        this(idle, header, body, shutdown, DEFAULT_WRITE);
    }

    public Timeouts withIdle(Duration idle) {
        return new Timeouts(idle, header, body, shutdown, write);
    }

    public Timeouts withHeader(Duration header) {
        return new Timeouts(idle, header, body, shutdown, write);
    }

    public Timeouts withBody(Duration body) {
        return new Timeouts(idle, header, body, shutdown, write);
    }

    public Timeouts withShutdown(Duration shutdown) {
        return new Timeouts(idle, header, body, shutdown, write);
    }

    public Timeouts withWrite(Duration write) {
        return new Timeouts(idle, header, body, shutdown, write);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " timeout must be positive");
        }
    }
}
