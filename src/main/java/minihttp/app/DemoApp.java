package minihttp.app;

import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The demo application served by {@link Main}: TechEmpower plaintext and JSON, the endpoints of HTTP/1.1
 * benchmark and conformance suites (baseline, pipeline, upload, echo), and teaching routes (blocking, delay, work,
 * stream, events).
 */
public final class DemoApp {

    /** TechEmpower plaintext: built once, so answering it allocates nothing per request. */
    static final Response PLAINTEXT = Response.text("Hello, World!");
    static final Response JSON = Response.json("{\"message\":\"Hello, World!\"}");
    static final Response PIPELINE = Response.text("ok");
    static final Response ROOT = Response.text("minihttp\n");
    static final String ROOT_METHODS = "GET, HEAD, POST, OPTIONS";
    static final Response ROOT_OPTIONS = Response.status(HttpStatus.OK).header("Allow", ROOT_METHODS).empty();

    /** The longest {@code /delay}. */
    static final long MAX_DELAY_MS = 10_000;
    /** The most lines of {@code /stream} and events of {@code /events}. */
    static final int MAX_TICKS = 10_000;
    /** The longest pause between two of them. */
    static final long MAX_TICK_MS = 10_000;

    private DemoApp() {}

    public static Service service() {
        return routes().build();
    }

    /** The demo's routes, for the CLI to add to ({@code GET /metrics}). */
    static Router.Builder routes() {
        return Router.builder()
                .get("/plaintext", Service.constant(PLAINTEXT))
                .get("/json", Service.constant(JSON))
                .get("/pipeline", Service.constant(PIPELINE))
                .get("/baseline11", Service.sync(DemoApp::baseline))
                .post("/baseline11", Service.sync(DemoApp::baseline))
                .post("/upload", Service.streaming(DemoApp::upload))
                .get("/echo", Service.sync(DemoApp::echoHeaders))
                .get("/", Service.constant(ROOT))
                .post("/", Service.sync(DemoApp::echoBody))
                .route(Method.OPTIONS, "/", Service.constant(ROOT_OPTIONS))
                .get("/blocking", Service.blocking(BlockingSleep::answer))
                .get("/delay", DemoApp::delay)
                .get("/work", Service.sync(Work::answer))
                .get("/stream", request -> ticks(request, ticks -> Response.status(HttpStatus.OK)
                        .contentType("text/plain; charset=utf-8").bodyText(ticks.map(i -> "tick " + i + "\n"))))
                .get("/events", request -> ticks(request, ticks -> Response.events(ticks.map(i -> "tick " + i))))
                .get("/hello/{name}", Service.sync(request -> Response.text("Hello, " + request.pathParam("name") + "!")));
    }

    /** {@code a + b} from the query, plus the body when there is one; all integers. */
    static Response baseline(Request request) {
        try {
            long sum = Long.parseLong(request.queryParam("a")) + Long.parseLong(request.queryParam("b"));
            String body = request.bodyAsString(StandardCharsets.US_ASCII).strip();
            if (!body.isEmpty()) {
                sum += Long.parseLong(body);
            }
            return Response.text(Long.toString(sum));
        } catch (NumberFormatException e) { // also a missing parameter: parseLong(null)
            return Response.text(HttpStatus.BAD_REQUEST, "Bad Request: a, b and the body must be integers\n");
        }
    }

    /** Counts the body bytes as they stream in; the body is never held whole. */
    static Mono<Response> upload(Request request) {
        return request.bodyStream()
                .reduce(0L, (count, piece) -> count + piece.readableBytes())
                .map(count -> Response.text(Long.toString(count)));
    }

    /** The request's headers as {@code Name: Value} lines. */
    static Response echoHeaders(Request request) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < request.headerCount(); i++) {
            lines.append(request.headerName(i)).append(": ").append(request.headerValue(i)).append('\n');
        }
        return Response.text(lines.toString());
    }

    static Response echoBody(Request request) {
        return Response.status(HttpStatus.OK).contentType("application/octet-stream")
                .body(ByteBufUtil.getBytes(request.body()));
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

    /**
     * {@code GET /stream?n=N&ms=M} and {@code /events}: N ticks (1, 2, ... N; N at most {@value #MAX_TICKS}), one
     * every M milliseconds (at most {@value #MAX_TICK_MS}), streamed as they come; 400 for other values.
     */
    static Mono<Response> ticks(Request request, Function<Flux<Long>, Response> respond) {
        long n = longParam(request, "n");
        long ms = longParam(request, "ms");
        if (n < 1 || n > MAX_TICKS || ms < 0 || ms > MAX_TICK_MS) {
            return Mono.just(Response.text(HttpStatus.BAD_REQUEST,
                    "n must be 1.." + MAX_TICKS + " and ms 0.." + MAX_TICK_MS + "\n"));
        }
        Flux<Long> ticks = ms == 0 ? Flux.range(1, (int) n).map(Integer::longValue)
                // A clock does not wait for the socket: its ticks wait here (n of them at most) while it is behind.
                : Flux.interval(Duration.ofMillis(ms)).take(n).onBackpressureBuffer().map(i -> i + 1);
        return Mono.just(respond.apply(ticks));
    }

    /** A query parameter as a number; -1 when it is missing or not one. */
    private static long longParam(Request request, String name) {
        try {
            return Long.parseLong(request.queryParam(name));
        } catch (NumberFormatException e) { // also a missing parameter: parseLong(null)
            return -1;
        }
    }
}
