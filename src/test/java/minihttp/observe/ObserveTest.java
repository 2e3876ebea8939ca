package minihttp.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;
import minihttp.http.HttpStatus;
import org.junit.jupiter.api.Test;

/** The access log's line and the Micrometer meters, from the exchanges a listener hears of. */
class ObserveTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 54321);

    @Test
    void anAccessLogLineIsCommonLogFormatWithTheDuration() {
        Exchange e = new Exchange(CLIENT, "GET", "/plaintext?x=1", "/plaintext", 200, 13, 41_500);
        ZonedDateTime time = ZonedDateTime.of(2026, 11, 28, 23, 0, 5, 0, ZoneOffset.UTC);
        assertEquals("127.0.0.1 - - [28/Nov/2026:23:00:05 +0000] \"GET /plaintext?x=1\" 200 13 41us",
                AccessLog.line(e, time));
        Exchange slow = new Exchange(CLIENT, "POST", "/upload", null, 413, 24, 25_000_000);
        assertEquals("127.0.0.1 - - [28/Nov/2026:23:00:05 +0000] \"POST /upload\" 413 24 25ms",
                AccessLog.line(slow, time));
        // A target may hold a quote: escaped, so that no one can end the field early. A stream has no length.
        Exchange quoting = new Exchange(CLIENT, "GET", "/x\" 200 1 1us\\", null, 200, -1, 1_000);
        assertEquals("127.0.0.1 - - [28/Nov/2026:23:00:05 +0000] \"GET /x\\x22 200 1 1us\\x5C\" 200 - 1us",
                AccessLog.line(quoting, time));
    }

    @Test
    void metricsFollowMicrometersHttpServerConventions() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerListener metrics = new MicrometerListener(registry);
        metrics.connectionOpened(CLIENT);
        metrics.connectionOpened(CLIENT);
        metrics.connectionClosed(CLIENT);
        metrics.exchange(new Exchange(CLIENT, "GET", "/users/1", "/users/{id}", 200, 10, 2_000_000));
        metrics.exchange(new Exchange(CLIENT, "GET", "/users/2", "/users/{id}", 200, 10, 4_000_000));
        metrics.exchange(new Exchange(CLIENT, "GET", "/nope", null, 404, 10, 1_000_000));
        assertEquals(1.0, registry.get("http.server.connections.active").gauge().value());
        var users = registry.get("http.server.requests").tags("method", "GET", "status", "200", "uri", "/users/{id}",
                "outcome", "SUCCESS").timer();
        assertEquals(2, users.count());
        assertEquals(6.0, users.totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(1, registry.get("http.server.requests").tags("uri", "NOT_FOUND", "outcome", "CLIENT_ERROR")
                .timer().count());
        for (int i = 0; i < 100; i++) {
            metrics.exchange(new Exchange(CLIENT, "X" + i, "/", null, 501, 10, 1_000));
        }
        assertEquals(1, registry.find("http.server.requests").tag("method", "OTHER").timers().size(),
                "unknown method names share one meter");
        metrics.decodeError(CLIENT, HttpStatus.BAD_REQUEST, "malformed field name");
        metrics.decodeError(CLIENT, HttpStatus.BAD_REQUEST, "malformed request line");
        metrics.decodeError(CLIENT, HttpStatus.REQUEST_TIMEOUT, "request not received in time");
        assertEquals(2.0, registry.get("http.server.requests.refused").tags("status", "400").counter().count());
        assertEquals(1.0, registry.get("http.server.requests.refused").tags("status", "408").counter().count());
    }

    /** Two servers' listeners on one registry count their connections together, and the gauge outlives a GC. */
    @Test
    void listenersSharingARegistryCountTheirConnectionsTogether() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerListener one = new MicrometerListener(registry);
        MicrometerListener two = new MicrometerListener(registry);
        one.connectionOpened(CLIENT);
        two.connectionOpened(CLIENT);
        two.connectionOpened(CLIENT);
        System.gc();
        assertEquals(3.0, registry.get("http.server.connections.active").gauge().value());
        two.connectionClosed(CLIENT);
        assertEquals(2.0, registry.get("http.server.connections.active").gauge().value());
        registry.clear(); // a registry emptied, and a listener made for it again: its gauge is back
        new MicrometerListener(registry);
        assertEquals(2.0, registry.get("http.server.connections.active").gauge().value());
    }
}
