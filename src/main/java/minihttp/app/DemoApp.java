package minihttp.app;

import java.time.Duration;
import minihttp.codec.HttpStatus;
import minihttp.codec.Request;
import minihttp.codec.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import reactor.core.publisher.Mono;

/** The demo application served by {@link Main}: the TechEmpower plaintext route, and room for more. */
public final class DemoApp {

    /** TechEmpower plaintext: built once, so answering it allocates nothing per request. */
    static final Response PLAINTEXT = Response.text("Hello, World!");

    /** The longest {@code /delay}. */
    static final long MAX_DELAY_MS = 10_000;

    private DemoApp() {}

    public static Service service() {
        return Router.builder()
                .get("/plaintext", Service.constant(PLAINTEXT))
                .get("/blocking", Service.blocking(BlockingSleep::answer))
                .get("/delay", DemoApp::delay)
                .build();
    }

    /**
     * {@code GET /delay?ms=N}: a response that completes later, after N milliseconds (at most {@value #MAX_DELAY_MS}),
     * for trying ordering, timeouts and graceful shutdown by hand.
     */
    static Mono<Response> delay(Request request) {
        long ms;
        try {
            ms = Long.parseLong(request.queryParam("ms"));
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0 || ms > MAX_DELAY_MS) {
            return Mono.just(Response.text(HttpStatus.BAD_REQUEST, "ms must be 0.." + MAX_DELAY_MS + "\n"));
        }
        long delayMs = ms;
        return Mono.delay(Duration.ofMillis(delayMs)).map(tick -> Response.text("delayed " + delayMs + " ms\n"));
    }
}
