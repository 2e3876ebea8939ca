package minihttp.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import minihttp.http.HttpStatus;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.server.HttpServer;
import minihttp.server.RunningServer;
import minihttp.service.Router;
import minihttp.service.Service;

/**
 * Blocking code behind {@link Service#blocking}: {@code POST /orders} hands the body to a legacy, blocking client
 * (here a sleep standing for JDBC or a file write), on a virtual thread on JDK 21+ (Reactor's bounded elastic
 * scheduler on 17), never on an event loop. Run: {@code BlockingApp [port]}.
 */
public final class BlockingApp {

    static final Duration DEFAULT_CALL_TIME = Duration.ofMillis(20);

    private BlockingApp() {}

    /** The app, whose blocking call takes {@code callTime}. */
    public static Service service(Duration callTime) {
        return Router.builder()
                .post("/orders", Service.blocking(request -> order(request, callTime)))
                .build();
    }

    /** Plain synchronous code: it may block, and the request stays valid while it runs. */
    static Response order(Request request, Duration callTime) {
        String item = request.bodyAsString(StandardCharsets.UTF_8).strip();
        if (item.isEmpty()) {
            return Response.text(HttpStatus.BAD_REQUEST, "an order names an item\n");
        }
        try {
            Thread.sleep(callTime.toMillis()); // the legacy client's round trip
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.text(HttpStatus.SERVICE_UNAVAILABLE, "interrupted\n");
        }
        return Response.status(HttpStatus.CREATED).contentType("text/plain").body("ordered " + item + "\n");
    }

    /** Serves the app on 127.0.0.1:{@code port} (0: a free port) until the returned server is closed. */
    public static RunningServer start(int port, Duration callTime) {
        return HttpServer.create().port(port).handle(service(callTime)).bind();
    }

    /** Serves on the port given (default 8080) until the process is stopped. */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : PlaintextApp.DEFAULT_PORT;
        try (RunningServer server = start(port, DEFAULT_CALL_TIME)) {
            System.out.println(server.readyLine());
            server.awaitClose();
        }
    }
}
