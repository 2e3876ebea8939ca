package minihttp.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer's HTTP server metrics, under the names its conventions use: the timer {@code http.server.requests}
 * tagged with {@code method}, {@code status}, {@code uri} (the route template, {@code NOT_FOUND} when no route
 * matched) and {@code outcome}, and the gauge {@code http.server.connections.active}. Needs
 * {@code io.micrometer:micrometer-core}, an optional dependency of the library.
 */
public final class MicrometerListener implements HttpListener {

    private final MeterRegistry registry;
    private final AtomicLong active = new AtomicLong();

    /**
     * Records into {@code registry}.
     *
     * @param registry where the meters go
     */
    public MicrometerListener(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("http.server.connections.active", active);
    }

    @Override
    public void connectionOpened(SocketAddress remote) {
        active.incrementAndGet();
    }

    @Override
    public void connectionClosed(SocketAddress remote) {
        active.decrementAndGet();
    }

    @Override
    public void exchange(Exchange e) {
        Timer.builder("http.server.requests")
                .description("Duration of HTTP server request handling")
                .tag("method", e.method())
                .tag("status", Integer.toString(e.status()))
                .tag("uri", e.route() != null ? e.route() : e.status() == 404 ? "NOT_FOUND" : "UNKNOWN")
                .tag("outcome", outcome(e.status()))
                .tag("exception", "none")
                .register(registry)
                .record(e.durationNanos(), TimeUnit.NANOSECONDS);
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }
}
