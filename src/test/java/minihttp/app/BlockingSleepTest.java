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

/** The demo route {@code GET /blocking?ms=N}: sleeps N ms off the event loop, then answers; bad N is a 400. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingSleepTest {

    private static HttpResponse<String> get(RunningServer server, String target) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + target))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sleepsThenAnswers() throws Exception {
        try (RunningServer server = HttpServer.create().port(0).threads(1).handle(DemoApp.service()).bind()) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(server, "/blocking?ms=200");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(200, r.statusCode());
            assertEquals("slept 200 ms\n", r.body());
            assertTrue(ms >= 200, "answered after " + ms + " ms");
            assertEquals("slept 0 ms\n", get(server, "/blocking").body());
            for (String bad : new String[] {"ms=abc", "ms=-1", "ms=" + (BlockingSleep.MAX_MILLIS + 1)}) {
                HttpResponse<String> rejected = get(server, "/blocking?" + bad);
                assertEquals(400, rejected.statusCode(), bad);
                assertTrue(rejected.body().startsWith("ms must be"), rejected.body());
            }
        }
    }
}
