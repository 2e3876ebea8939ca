package minihttp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import minihttp.server.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code --metrics}: the demo serves Micrometer's HTTP server metrics in Prometheus format at GET /metrics. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsCliTest {

    @Test
    void metricsAreServedInPrometheusFormatByRouteTemplate() throws Exception {
        Main main = new Main();
        new CommandLine(main).parseArgs("--metrics", "--access-log", "--port", "0", "--threads", "1");
        try (RunningServer server = main.serving(main.server()).bind()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + server.port();
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(base + "/hello/ada")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(base + "/hello/grace")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            long scraped = System.nanoTime();
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String text = metrics.body();
            assertTrue(text.lines().anyMatch(l -> l.startsWith("http_server_requests_seconds_count{")
                    && l.contains("uri=\"/hello/{name}\"") && l.contains("status=\"200\"") && l.endsWith(" 2")),
                    text);
            assertTrue(text.contains("http_server_connections_active"), text);
            // Asked again at once, it is the same scrape, whatever was served meanwhile; a second later, a new one.
            client.send(HttpRequest.newBuilder(URI.create(base + "/hello/ada")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String again = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (System.nanoTime() - scraped < Metrics.SCRAPE_REUSED_NANOS) { // else the machine was too slow to tell
                assertEquals(text, again);
            }
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Metrics.SCRAPE_REUSED_NANOS) + 100);
            String later = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(later.lines().anyMatch(l -> l.startsWith("http_server_requests_seconds_count{")
                    && l.contains("uri=\"/hello/{name}\"") && l.endsWith(" 3")), later);
        }
    }
}
