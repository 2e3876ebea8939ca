package minihttp.server;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import java.util.Objects;
import minihttp.codec.RequestDecoder;
import minihttp.service.Service;
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

    private final String host;
    private final int port;
    private final int threads;
    private final RequestDecoder.Limits limits;
    private final Service service;

    private HttpServer(String host, int port, int threads, RequestDecoder.Limits limits, Service service) {
        this.host = host;
        this.port = port;
        this.threads = threads;
        this.limits = limits;
        this.service = service;
    }

    /** A server for 127.0.0.1 on an ephemeral port, one event loop per core, default limits. */
    public static HttpServer create() {
        return new HttpServer("127.0.0.1", 0, Runtime.getRuntime().availableProcessors(),
                RequestDecoder.Limits.DEFAULT, null);
    }

    public HttpServer host(String host) {
        return new HttpServer(Objects.requireNonNull(host), port, threads, limits, service);
    }

    /** The port to listen on; 0 picks a free one. */
    public HttpServer port(int port) {
        return new HttpServer(host, port, threads, limits, service);
    }

    /** The number of event loops; 1 serves everything, accepting included, on one thread. */
    public HttpServer threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        return new HttpServer(host, port, threads, limits, service);
    }

    public HttpServer limits(RequestDecoder.Limits limits) {
        return new HttpServer(host, port, threads, Objects.requireNonNull(limits), service);
    }

    public HttpServer handle(Service service) {
        return new HttpServer(host, port, threads, limits, Objects.requireNonNull(service));
    }

    public int threads() {
        return threads;
    }

    /** {@code epoll} where Netty's native transport loads (Linux), else {@code nio}. */
    public static String transport() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    /** Binds and starts serving; {@link Running#close()} stops the server and its event loops. */
    public Running bind() {
        Service handler = Objects.requireNonNull(service, "no service: call handle(service) first");
        RequestDecoder.Limits decoderLimits = limits;
        // One group for accepting and serving (reactor-netty colocates them), so threads(1) is one thread.
        LoopResources loops = LoopResources.create("minihttp", threads, true);
        DisposableServer server = TcpServer.create()
                .host(host)
                .port(port)
                .runOn(loops, true)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handle((in, out) -> HttpConnection.serve(in, out, handler, decoderLimits))
                .bindNow();
        return new Running(server, loops, threads);
    }

    /** A bound server: its address, and how to stop it. */
    public static final class Running implements AutoCloseable {
        private final DisposableServer server;
        private final LoopResources loops;
        private final int threads;

        private Running(DisposableServer server, LoopResources loops, int threads) {
            this.server = server;
            this.loops = loops;
            this.threads = threads;
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

        @Override
        public void close() {
            server.disposeNow();
            loops.disposeLater().block();
        }
    }
}
