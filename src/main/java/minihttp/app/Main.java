package minihttp.app;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import minihttp.server.HttpServer;
import minihttp.server.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** The command line: {@code java -jar target/minihttp.jar [--host H] [--port P] [--threads N]} serves the demo app. */
@Command(name = "minihttp", mixinStandardHelpOptions = true, version = "minihttp 0.1.0",
        description = "Serves the minihttp demo app (TechEmpower plaintext at GET /plaintext).")
public final class Main implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--threads", description = "Event loops; 1 is single-thread mode (default: one per core).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--idle-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a keep-alive connection idle this long (default: 60s).")
    Duration idleTimeout = Timeouts.DEFAULT.idle();

    @Option(names = "--header-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Deadline for a whole request head, from its first byte; 408 and close (default: 10s).")
    Duration headerTimeout = Timeouts.DEFAULT.header();

    @Option(names = "--body-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Longest wait between reads of a request body; 408 and close (default: 30s).")
    Duration bodyTimeout = Timeouts.DEFAULT.body();

    @Option(names = "--shutdown-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "On SIGTERM/SIGINT, how long to let requests in flight finish (default: 10s).")
    Duration shutdownTimeout = Timeouts.DEFAULT.shutdown();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        // Handling the signals ourselves (instead of a shutdown hook) lets the process stop cleanly and exit 0.
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        try (HttpServer.Running server = HttpServer.create()
                .host(host).port(port).threads(threads)
                .timeouts(new Timeouts(idleTimeout, headerTimeout, bodyTimeout, shutdownTimeout))
                .handle(DemoApp.service())
                .bind()) {
            System.out.println(server.readyLine());
            System.out.flush();
            stop.await();
            log.info("stopping: finishing requests in flight (at most {} ms)", shutdownTimeout.toMillis());
        } // close() stops accepting, drains the connections, and stops the event loops
        log.info("stopped");
        return 0;
    }
}
