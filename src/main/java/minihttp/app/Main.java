package minihttp.app;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import minihttp.internal.server.Blocking;
import minihttp.observe.AccessLog;
import minihttp.observe.HttpListener;
import minihttp.server.HttpServer;
import minihttp.server.Limits;
import minihttp.server.Pipeline;
import minihttp.server.RunningServer;
import minihttp.server.Timeouts;
import minihttp.server.Tls;
import minihttp.server.Transport;
import minihttp.service.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The command line: {@code java -jar target/minihttp.jar [--host H] [--port P] [--threads N] ...} serves the demo app. */
@Command(name = "minihttp", mixinStandardHelpOptions = true, versionProvider = Main.PomVersion.class, sortOptions = false,
        description = "Serves the minihttp demo app (TechEmpower plaintext at GET /plaintext, "
                + "GET /blocking?ms=N sleeping N ms off the event loop).")
public final class Main implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port to listen on; serves HTTPS with --tls alone (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--threads", description = "Event loops; 1 is single-thread mode (default: one per core).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio",
            description = "I/O transport; auto takes epoll, else io_uring, else nio (default: ${DEFAULT-VALUE}).")
    String transport = "auto";

    @Option(names = "--reuseport", description = "One listening socket per event loop with SO_REUSEPORT "
            + "(thread-per-core: each connection accepted and served by one loop) instead of one shared socket.")
    boolean reusePort;

    @Option(names = "--backlog", description = "Accept queue length per listening socket (default: ${DEFAULT-VALUE}).")
    int backlog = HttpServer.DEFAULT_BACKLOG;

    @Option(names = "--nodelay", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "TCP_NODELAY on connections; --no-nodelay turns it off (default: on).")
    boolean noDelay;

    @Option(names = "--rcvbuf", paramLabel = "BYTES",
            description = "SO_RCVBUF of connections; 0 lets the kernel autotune (default: ${DEFAULT-VALUE}).")
    int receiveBuffer = HttpServer.OS_DEFAULT;

    @Option(names = "--sndbuf", paramLabel = "BYTES",
            description = "SO_SNDBUF of connections; 0 lets the kernel autotune (default: ${DEFAULT-VALUE}).")
    int sendBuffer = HttpServer.OS_DEFAULT;

    @Option(names = "--unsent-limit", paramLabel = "BYTES", description = "TCP_NOTSENT_LOWAT of connections: output "
            + "the kernel may hold unsent, so that a client which does not read stalls early (epoll, io_uring); "
            + "0 leaves it to the host (default: ${DEFAULT-VALUE}).")
    int unsentLimit = HttpServer.DEFAULT_UNSENT_LIMIT;

    @Option(names = "--allocator", paramLabel = "pooled|adaptive", description = "Netty allocator of connections' "
            + "buffers: pooled gives memory back after a burst, adaptive (Netty 4.2's default) keeps its peak "
            + "while idle (default: ${DEFAULT-VALUE}).")
    String allocator = "pooled";

    @Option(names = "--tls", description = "Serve HTTPS on --port, with a self-signed certificate for localhost "
            + "generated at start (its SHA-256 fingerprint is on the ready line), unless --cert/--key are given.")
    boolean tls;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "Serve HTTPS on this port and plain HTTP on --port at the same time (implies --tls).")
    Integer tlsPort;

    @Option(names = "--cert", paramLabel = "FILE", description = "PEM certificate chain, server certificate first "
            + "(implies --tls; needs --key).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM private key of --cert (PKCS#8, PKCS#1 or SEC1).")
    Path key;

    @Option(names = "--tls-provider", paramLabel = "auto|openssl|jdk", description = "TLS engine: openssl "
            + "(BoringSSL via netty-tcnative), jdk, or auto: openssl when it loads (default: ${DEFAULT-VALUE}).")
    String tlsProvider = "auto";

    @Option(names = "--idle-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a keep-alive connection idle this long (default: 60s).")
    Duration idleTimeout = Timeouts.DEFAULT.idle();

    @Option(names = "--header-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Deadline for a whole request head, from its first byte; 408 and close (default: 10s).")
    Duration headerTimeout = Timeouts.DEFAULT.header();

    @Option(names = "--body-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Longest wait between reads of a request body; 408 and close (default: 30s).")
    Duration bodyTimeout = Timeouts.DEFAULT.body();

    @Option(names = "--write-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Close a connection whose output has not drained for this long: its client stopped "
                    + "reading (default: 30s).")
    Duration writeTimeout = Timeouts.DEFAULT.write();

    @Option(names = "--min-body-rate", paramLabel = "BYTES/S", description = "Slowest a request body may arrive, "
            + "averaged from its start, once --min-body-rate-grace has passed; 408 and close. 0: no minimum "
            + "(default: ${DEFAULT-VALUE}).")
    long minBodyRate = Timeouts.DEFAULT.minBodyRate();

    @Option(names = "--min-body-rate-grace", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long a request body may arrive slower than --min-body-rate (default: 5s).")
    Duration minBodyRateGrace = Timeouts.DEFAULT.minBodyRateGrace();

    @Option(names = "--shutdown-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "On SIGTERM/SIGINT, how long to let requests in flight finish (default: 10s).")
    Duration shutdownTimeout = Timeouts.DEFAULT.shutdown();

    @Option(names = "--max-body", paramLabel = "BYTES", description = "Largest request body read whole before its "
            + "service runs; more is answered with 413. Streamed bodies (POST /upload) are not bounded by it "
            + "(default: ${DEFAULT-VALUE}).")
    int maxBody = Limits.DEFAULT.maxBody();

    @Option(names = "--pipeline", paramLabel = "batched|simple", description = "Connection pipeline: batched, the "
            + "server's own, or simple, the obvious composition kept for study and measurement: no deadlines, "
            + "output budget, streamed bodies or drain (default: ${DEFAULT-VALUE}).")
    String pipeline = "batched";

    @Option(names = "--access-log", description = "Log one line per request (Common Log Format with the duration) "
            + "on the SLF4J logger minihttp.access.")
    boolean accessLog;

    @Option(names = "--metrics", description = "Record Micrometer's HTTP server metrics (http.server.requests by "
            + "method, status and route) and serve them in Prometheus format at GET /metrics.")
    boolean metrics;

    public static void main(String[] args) {
        // A client may not renegotiate TLS 1.2 with the JDK's engine (OpenSSL's refuses already): each costs the
        // server a handshake's CPU, and one connection could ask for them without end.
        defaultProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        // reactor-netty warns of every error that comes after a connection ended, such as a hostile client's bad TLS
        // record: one line per connection that anyone can cause.
        defaultProperty("org.slf4j.simpleLogger.log.reactor.netty.channel.FluxReceive", "error");
        System.exit(new CommandLine(new Main()).execute(args));
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /** {@code server} with the demo's routes, and the access log and metrics when asked for. */
    HttpServer serving(HttpServer server) {
        List<HttpListener> listeners = new ArrayList<>();
        Router.Builder routes = DemoApp.routes();
        if (accessLog) {
            listeners.add(new AccessLog());
        }
        if (metrics) {
            Metrics recorded = new Metrics();
            listeners.add(recorded.listener());
            routes.get("/metrics", recorded.scrape());
        }
        return server.handle(routes.build()).listener(listeners.isEmpty() ? null : HttpListener.all(listeners));
    }

    /** The server these options describe, without its service. */
    HttpServer server() {
        HttpServer server;
        try {
            server = HttpServer.create()
                    .host(host).port(port).threads(threads)
                    .transport(Transport.parse(transport).requireAvailable())
                    .reusePort(reusePort)
                    .backlog(backlog).noDelay(noDelay).receiveBuffer(receiveBuffer).sendBuffer(sendBuffer)
                    .unsentLimit(unsentLimit)
                    .allocator(allocator(allocator))
                    .timeouts(new Timeouts(idleTimeout, headerTimeout, bodyTimeout, shutdownTimeout, writeTimeout,
                            minBodyRate, minBodyRateGrace))
                    .limits(Limits.DEFAULT.withMaxBody(maxBody))
                    .pipeline(Pipeline.parse(pipeline));
            if (Pipeline.parse(pipeline) == Pipeline.SIMPLE && (accessLog || metrics)) {
                throw new IllegalArgumentException("--pipeline simple tells no listener: --access-log and --metrics "
                        + "need the batched pipeline");
            }
            if (tls || tlsPort != null || cert != null || key != null) {
                if ((cert == null) != (key == null)) {
                    throw new IllegalArgumentException("--cert and --key go together");
                }
                Tls.Provider provider = Tls.Provider.parse(tlsProvider);
                Tls settings;
                try {
                    settings = cert != null ? Tls.pem(cert, key) : Tls.selfSigned();
                } catch (RuntimeException e) {
                    throw new StartFailure("cannot use the certificate " + (cert != null ? cert + " and key " + key
                            : "(self-signed)") + ": " + e.getMessage(), e);
                }
                server = server.tls(settings.provider(provider));
                if (tlsPort != null) {
                    server = server.tlsPort(tlsPort);
                }
            }
        } catch (StartFailure e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return server;
    }

    /** The allocator {@code --allocator} names. */
    private static ByteBufAllocator allocator(String name) {
        return switch (name) {
            case "pooled" -> HttpServer.DEFAULT_ALLOCATOR;
            case "adaptive" -> new AdaptiveByteBufAllocator();
            default -> throw new IllegalArgumentException("--allocator: pooled or adaptive, not " + name);
        };
    }

    @Override
    public Integer call() {
        RunningServer server;
        try {
            server = serving(server()).bind();
        } catch (StartFailure e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        } catch (ParameterException e) {
            throw e; // a usage error: picocli prints it with the usage, exit status 2
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println(BindFailure.describe(e, host, port, tlsPort));
            return 1;
        }
        // SIGTERM and SIGINT run the JVM's shutdown hooks: this one drains the connections within
        // --shutdown-timeout, closes idle ones at once, and stops the event loops, before the process exits.
        server.drainOnShutdown();
        System.out.println(server.readyLine());
        System.out.flush();
        log.info("blocking services run on {}", Blocking.describe());
        server.awaitClose();
        return 0;
    }

    /** {@code --version}: the pom's version, which the build writes into {@code minihttp/version.properties}. */
    static final class PomVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/minihttp/version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"minihttp " + properties.getProperty("version", "(unknown version)")};
        }
    }

    /** The server cannot start with these (valid) options: a one-line message, exit status 1, no usage text. */
    static final class StartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
