package minihttp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import minihttp.server.HttpServer;
import minihttp.server.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo route {@code GET /work?us=N}: spins N µs on the event loop, then answers; bad N is a 400. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkTest {

    private static HttpResponse<String> get(RunningServer server, String target) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + target))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void spinsThenAnswersAndRejectsABadCount() throws Exception {
        try (RunningServer server = HttpServer.create().port(0).threads(1).handle(DemoApp.service()).bind()) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(server, "/work?us=" + Work.MAX_MICROS);
            long us = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
            assertEquals(200, r.statusCode());
            assertEquals("worked " + Work.MAX_MICROS + " us\n", r.body());
            assertTrue(us >= Work.MAX_MICROS, "answered after " + us + " us");
            assertEquals("worked 0 us\n", get(server, "/work").body());
            assertEquals("worked 50 us\n", get(server, "/work?us=50").body());
            for (String bad : new String[] {"us=abc", "us=-1", "us=" + (Work.MAX_MICROS + 1), "us="}) {
                HttpResponse<String> rejected = get(server, "/work?" + bad);
                assertEquals(400, rejected.statusCode(), bad);
                assertTrue(rejected.body().startsWith("us must be"), rejected.body());
            }
        }
    }

    @Test
    void spinTakesAtLeastTheTimeAskedFor() {
        long t0 = System.nanoTime();
        Work.spin(2_000);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MICROSECONDS.toNanos(2_000));
        assertEquals(-1, Work.micros("1e3"));
        assertEquals(7, Work.micros("7"));
    }
}
