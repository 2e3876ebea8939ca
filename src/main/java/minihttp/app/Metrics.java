package minihttp.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.observe.MicrometerListener;
import minihttp.service.Service;

/** The CLI's {@code --metrics}: Micrometer's HTTP server metrics, served in Prometheus's text format. */
final class Metrics {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /**
     * How long a scrape is served again: a scrape costs milliseconds of the event loop, a thousand plaintext
     * requests' worth, so a client asking again and again gets the same text rather than a scrape each time.
     */
    static final long SCRAPE_REUSED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile Scrape last;

    private record Scrape(long at, byte[] text) {}

    /** The listener that records the server's requests and connections. */
    MicrometerListener listener() {
        return new MicrometerListener(registry);
    }

    /** {@code GET /metrics}: a scrape of everything recorded, at most {@link #SCRAPE_REUSED_NANOS} old. */
    Service scrape() {
        return Service.sync(request -> Response.status(HttpStatus.OK).contentType(PROMETHEUS_TEXT)
                .body(latest()));
    }

    private byte[] latest() {
        Scrape scrape = last;
        long now = System.nanoTime();
        if (scrape == null || now - scrape.at() >= SCRAPE_REUSED_NANOS) {
            scrape = new Scrape(now, registry.scrape().getBytes(StandardCharsets.UTF_8));
            last = scrape;
        }
        return scrape.text();
    }
}
