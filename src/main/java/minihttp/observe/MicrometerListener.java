package minihttp.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import minihttp.http.HttpStatus;
import minihttp.http.Method;

/**
 * Micrometer's HTTP server metrics, under the names its conventions use: the timer {@code http.server.requests}
 * tagged with {@code method}, {@code status}, {@code uri} (the route template, {@code NOT_FOUND} when no route
 * matched) and {@code outcome}, and the gauge {@code http.server.connections.active}; requests refused before a
 * service saw them (malformed, too large, too slow) count in {@code http.server.requests.refused}, tagged with
 * their {@code status}. Needs
 * {@code io.micrometer:micrometer-core}, an optional dependency of the library.
 */
public final class MicrometerListener implements HttpListener {

    /**
     * The open connections of each registry's listeners, one count per registry: a second listener's gauge of the
     * same name would not be registered, and its connections would go uncounted.
     */
    private static final Map<MeterRegistry, AtomicLong> ACTIVE = Collections.synchronizedMap(new WeakHashMap<>());

    private final MeterRegistry registry;
    private final AtomicLong active;
    /** The timers made so far, by their tags: a lookup here is cheaper than Micrometer's builder per request. */
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> refused = new ConcurrentHashMap<>();

    private record Key(String method, int status, String uri) {}

    private static final Set<String> KNOWN_METHODS =
            Arrays.stream(Method.values()).map(Method::name).collect(Collectors.toUnmodifiableSet());

    /**
     * Records into {@code registry}.
     *
     * @param registry where the meters go
     */
    public MicrometerListener(MeterRegistry registry) {
        this.registry = registry;
        this.active = ACTIVE.computeIfAbsent(registry, r -> new AtomicLong());
        // Registered again for each listener: a no-op while the registry has it, back after a registry.clear().
        Gauge.builder("http.server.connections.active", active, AtomicLong::get)
                .description("Open HTTP connections").strongReference(true).register(registry);
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
        String uri = e.route() != null ? e.route() : e.status() == 404 ? "NOT_FOUND" : "UNKNOWN";
        // A client picks the method name: tagging unknown ones as they came would let it make meters without end.
        String method = KNOWN_METHODS.contains(e.method()) ? e.method() : Method.OTHER.name();
        timers.computeIfAbsent(new Key(method, e.status(), uri), this::timer)
                .record(e.durationNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void decodeError(SocketAddress remote, HttpStatus status, String message) {
        refused.computeIfAbsent(status.code(), code -> Counter.builder("http.server.requests.refused")
                .description("Requests answered with an error before reaching a service")
                .tag("status", Integer.toString(code))
                .register(registry)).increment();
    }

    private Timer timer(Key key) {
        return Timer.builder("http.server.requests")
                .description("Duration of HTTP server request handling")
                .tag("method", key.method())
                .tag("status", Integer.toString(key.status()))
                .tag("uri", key.uri())
                .tag("outcome", outcome(key.status()))
                .tag("exception", "none")
                .register(registry);
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
