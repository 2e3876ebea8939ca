package minihttp.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.observe.MicrometerListener;
import minihttp.service.Service;

/** The CLI's {@code --metrics}: Micrometer's HTTP server metrics, served in Prometheus's text format. */
final class Metrics {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The listener that records the server's requests and connections. */
    MicrometerListener listener() {
        return new MicrometerListener(registry);
    }

    /** {@code GET /metrics}: a scrape of everything recorded so far. */
    Service scrape() {
        return Service.sync(request -> Response.status(HttpStatus.OK).contentType(PROMETHEUS_TEXT)
                .body(registry.scrape()));
    }
}
