package minihttp.examples;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import minihttp.http.HttpStatus;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.server.HttpServer;
import minihttp.server.RunningServer;
import minihttp.service.Router;
import minihttp.service.Service;
import reactor.core.publisher.Mono;

/**
 * A JSON service in front of a slow downstream call: {@code GET /users?id=7} asks the downstream (here a
 * {@code Mono.delay} standing for a remote call), and answers {@code 504 Gateway Timeout} when it takes longer than
 * the time budget. No thread waits meanwhile: the event loop serves other requests. Run:
 * {@code SlowDownstreamApp [port]}; {@code ?latencyMs=} sets the downstream's latency of one request.
 */
public final class SlowDownstreamApp {

    static final HttpStatus GATEWAY_TIMEOUT = HttpStatus.of(504, "Gateway Timeout");
    static final Duration DEFAULT_LATENCY = Duration.ofMillis(20);
    static final Duration DEFAULT_BUDGET = Duration.ofMillis(500);

    private static final Response TIMED_OUT = Response.status(GATEWAY_TIMEOUT)
            .contentType("application/json")
            .body("{\"error\":\"downstream timed out\"}");
    private static final Response NO_ID = Response.status(HttpStatus.BAD_REQUEST)
            .contentType("application/json")
            .body("{\"error\":\"id must be a number\"}");

    private SlowDownstreamApp() {}

    /** The app with the downstream's usual latency and the time budget of a call. */
    public static Service service(Duration latency, Duration budget) {
        return Router.builder()
                .get("/users", request -> user(request, latency, budget))
                .build();
    }

    /**
     * Reads what it needs of the request first (a request is valid until the Mono completes, so reading it in a
     * later operator is allowed too, but plain values are simpler), then waits for the downstream without a thread.
     */
    static Mono<Response> user(Request request, Duration latency, Duration budget) {
        long id;
        try {
            id = Long.parseLong(request.queryParam("id"));
        } catch (NumberFormatException e) { // also a missing id: parseLong(null)
            return Mono.just(NO_ID);
        }
        String latencyMs = request.queryParam("latencyMs");
        Duration thisLatency = latencyMs == null ? latency : Duration.ofMillis(Long.parseLong(latencyMs));
        return downstream(id, thisLatency)
                .map(name -> Response.json("{\"id\":" + id + ",\"name\":\"" + name + "\"}"))
                .timeout(budget)
                .onErrorReturn(TimeoutException.class, TIMED_OUT);
    }

    /** Stands for a remote call: the user's name, after {@code latency}. */
    static Mono<String> downstream(long id, Duration latency) {
        return Mono.delay(latency).map(tick -> "user-" + id);
    }

    /** Serves the app on 127.0.0.1:{@code port} (0: a free port) until the returned server is closed. */
    public static RunningServer start(int port, Duration latency, Duration budget) {
        return HttpServer.create().port(port).handle(service(latency, budget)).bind();
    }

    /** Serves on the port given (default 8080) until the process is stopped. */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : PlaintextApp.DEFAULT_PORT;
        try (RunningServer server = start(port, DEFAULT_LATENCY, DEFAULT_BUDGET)) {
            System.out.println(server.readyLine());
            server.awaitClose();
        }
    }
}
