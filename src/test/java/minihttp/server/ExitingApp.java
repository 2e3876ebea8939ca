package minihttp.server;

import java.time.Duration;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;

/**
 * An application whose service exits the JVM on the event loop, as an admin route might: the server drains on
 * shutdown, so the JVM's shutdown hook stops it while that loop waits in {@code System.exit} for the hook. Run
 * in its own JVM by {@link CliShutdownTest}.
 */
public final class ExitingApp {

    private ExitingApp() {}

    public static void main(String[] args) {
        RunningServer server = HttpServer.create().port(0).threads(1).shutdownTimeout(Duration.ofSeconds(1))
                .handle(Router.builder().get("/exit", Service.sync(request -> {
                    System.exit(3);
                    return Response.text("never");
                })).build())
                .bind();
        server.drainOnShutdown();
        System.out.println(server.readyLine());
        server.awaitClose();
    }
}
