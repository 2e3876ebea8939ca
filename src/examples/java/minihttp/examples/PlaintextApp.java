package minihttp.examples;

import minihttp.http.Response;
import minihttp.server.HttpServer;
import minihttp.server.RunningServer;
import minihttp.service.Router;
import minihttp.service.Service;

/**
 * The TechEmpower plaintext app: {@code GET /plaintext} answers {@code Hello, World!}. The response is built once,
 * so answering it allocates nothing per request. Run: {@code PlaintextApp [port]}.
 */
public final class PlaintextApp {

    static final int DEFAULT_PORT = 8080;

    private PlaintextApp() {}

    /** The app: one route. */
    public static Service service() {
        return Router.builder()
                .get("/plaintext", Service.constant(Response.text("Hello, World!")))
                .build();
    }

    /** Serves the app on 127.0.0.1:{@code port} (0: a free port) until the returned server is closed. */
    public static RunningServer start(int port) {
        return HttpServer.create().port(port).handle(service()).bind();
    }

    /** Serves on the port given (default 8080) until the process is stopped. */
    public static void main(String[] args) {
        try (RunningServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT)) {
            System.out.println(server.readyLine());
            server.awaitClose();
        }
    }
}
