package minihttp.server;

import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.Objects;
import minihttp.codec.RequestDecoder;
import minihttp.service.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;

/**
 * Immutable server configuration in the style of reactor-netty's {@code TcpServer}: each setter returns a new
 * instance; {@link #handle} names the one service, {@link #bind} starts serving it.
 */
public final class HttpServer {

    /** Accept queue length: large enough for benchmark clients that open thousands of connections at once. */
    private static final int BACKLOG = 4096;
    /**
     * Output a connection may queue before its channel turns unwritable (and {@link WriteGate} pauses its reads),
     * and the level it must drain to before reading resumes. Netty's defaults, stated because backpressure rests on them.
     */
    private static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** Event loops stop this long after the last task: connections are all closed by then. */
    private static final Duration LOOP_QUIET_PERIOD = Duration.ofMillis(100);
    private static final Duration LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MIN_DISPOSE_TIMEOUT = Duration.ofMillis(1);
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final String host;
    private final int port;
    private final int threads;
    private final RequestDecoder.Limits limits;
    private final Service service;
    private final Timeouts timeouts;

    private HttpServer(String host, int port, int threads, RequestDecoder.Limits limits, Service service,
                       Timeouts timeouts) {
        this.host = host;
        this.port = port;
        this.threads = threads;
        this.limits = limits;
        this.service = service;
        this.timeouts = timeouts;
    }

    /** A server for 127.0.0.1 on an ephemeral port, one event loop per core, default limits. */
    public static HttpServer create() {
        return new HttpServer("127.0.0.1", 0, Runtime.getRuntime().availableProcessors(),
                RequestDecoder.Limits.DEFAULT, null, Timeouts.DEFAULT);
    }

    public HttpServer host(String host) {
        return new HttpServer(Objects.requireNonNull(host), port, threads, limits, service, timeouts);
    }

    /** The port to listen on; 0 picks a free one. */
    public HttpServer port(int port) {
        return new HttpServer(host, port, threads, limits, service, timeouts);
    }

    /** The number of event loops; 1 serves everything, accepting included, on one thread. */
    public HttpServer threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        return new HttpServer(host, port, threads, limits, service, timeouts);
    }

    public HttpServer limits(RequestDecoder.Limits limits) {
        return new HttpServer(host, port, threads, Objects.requireNonNull(limits), service, timeouts);
    }

    public HttpServer handle(Service service) {
        return new HttpServer(host, port, threads, limits, Objects.requireNonNull(service), timeouts);
    }

    /** All the timeouts at once; the methods below set one each. */
    public HttpServer timeouts(Timeouts timeouts) {
        return new HttpServer(host, port, threads, limits, service, Objects.requireNonNull(timeouts));
    }

    /** How long a keep-alive connection may sit idle between requests. */
    public HttpServer idleTimeout(Duration idle) {
        return timeouts(timeouts.withIdle(idle));
    }

    /** The deadline for a whole request head, from its first byte (from the accept for a connection's first). */
    public HttpServer headerTimeout(Duration header) {
        return timeouts(timeouts.withHeader(header));
    }

    /** How long a request body may go without a read before the request is answered with 408. */
    public HttpServer bodyTimeout(Duration body) {
        return timeouts(timeouts.withBody(body));
    }

    /** How long a graceful shutdown waits for requests in flight before it closes their connections. */
    public HttpServer shutdownTimeout(Duration shutdown) {
        return timeouts(timeouts.withShutdown(shutdown));
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public int threads() {
        return threads;
    }

    /** {@code epoll} where Netty's native transport loads (Linux), else {@code nio}. */
    public static String transport() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    /** Binds and starts serving; {@link Running#shutdown} (or {@link Running#close()}) stops it gracefully. */
    public Running bind() {
        Service handler = Objects.requireNonNull(service, "no service: call handle(service) first");
        RequestDecoder.Limits decoderLimits = limits;
        Timeouts connectionTimeouts = timeouts;
        Drain drain = new Drain();
        // One group for accepting and serving (reactor-netty colocates them), so threads(1) is one thread.
        LoopResources loops = LoopResources.create("minihttp", threads, true);
        DisposableServer server = TcpServer.create()
                .host(host)
                .port(port)
                .runOn(loops, true)
                .channelGroup(drain.channels())
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_BUFFER_WATER_MARK)
                .handle((in, out) -> HttpConnection.serve(in, out, handler, decoderLimits, connectionTimeouts, drain))
                .bindNow();
        return new Running(server, loops, threads, drain, timeouts.shutdown());
    }

    /** A bound server: its address, and how to stop it. */
    public static final class Running implements AutoCloseable {
        private final DisposableServer server;
        private final LoopResources loops;
        private final int threads;
        private final Drain drain;
        private final Duration shutdownTimeout;

        private Running(DisposableServer server, LoopResources loops, int threads, Drain drain,
                        Duration shutdownTimeout) {
            this.server = server;
            this.loops = loops;
            this.threads = threads;
            this.drain = drain;
            this.shutdownTimeout = shutdownTimeout;
        }

        public String host() {
            return server.host();
        }

        public int port() {
            return server.port();
        }

        /** The ready line: {@code listening on http://HOST:PORT (N event loops, TRANSPORT)}. */
        public String readyLine() {
            return "listening on http://" + host() + ":" + port() + " (" + threads + " event loops, " + transport() + ")";
        }

        /** Blocks until the server is stopped by {@link #close()}. */
        public void awaitClose() {
            server.onDispose().block();
        }

        /** The open connections' channels, for tests that look at a connection's outbound buffer. */
        ChannelGroup channels() {
            return drain.channels();
        }

        /** The connections open now. */
        public int openConnections() {
            return drain.openConnections();
        }

        /**
         * Stops gracefully: stops accepting, lets every connection finish the requests it has read (the last
         * response of each says {@code Connection: close}), closes idle connections at once, and after
         * {@code timeout} closes whatever is still open; then stops the event loops. Returns whether every
         * connection finished within the deadline.
         */
        public boolean shutdown(Duration timeout) {
            drain.start();
            boolean clean = true;
            try {
                // Closes the listening socket, waits for the connections to end, and closes the rest at the deadline.
                server.disposeNow(timeout.isZero() ? MIN_DISPOSE_TIMEOUT : timeout);
            } catch (IllegalStateException deadlinePassed) {
                clean = false;
                log.warn("shutdown: connections still busy after {} ms were closed", timeout.toMillis());
            }
            loops.disposeLater(LOOP_QUIET_PERIOD, LOOP_SHUTDOWN_TIMEOUT).block();
            return clean;
        }

        /** {@link #shutdown} with the server's shutdown timeout. */
        @Override
        public void close() {
            shutdown(shutdownTimeout);
        }
    }
}
