package minihttp.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.channel.group.ChannelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.SslProvider;
import reactor.netty.tcp.TcpServer;
import minihttp.internal.server.HttpConnection;
import minihttp.internal.server.Drain;
import minihttp.internal.server.NettyTransport;
import minihttp.internal.server.HalfClose;
import minihttp.service.Service;

/**
 * Immutable server configuration in the style of reactor-netty's {@code TcpServer}: each setter returns a new
 * instance; {@link #handle} names the one service, {@link #bind} starts serving it.
 *
 * <p>Threading: {@link #threads} event loops of one {@link Transport}. By default they share one listening socket
 * (one loop accepts, connections are spread over all loops). With {@link #reusePort} every loop has its own
 * listening socket on the same port (SO_REUSEPORT): the kernel spreads connections, and each is accepted and
 * served by one thread, thread-per-core. With {@link #tls} the port serves HTTPS; adding {@link #tlsPort} serves
 * plain HTTP on the port and HTTPS on the TLS port at once, on the same loops.
 */
public final class HttpServer {

    /** Accept queue length: large enough for benchmark clients that open thousands of connections at once. */
    public static final int DEFAULT_BACKLOG = 4096;
    /** Socket buffer size that means "leave it to the kernel" (Linux autotunes buffers that are not set). */
    public static final int OS_DEFAULT = 0;
    /**
     * Default TCP_NOTSENT_LOWAT of connections: the bytes the kernel may hold of a connection's output that it
     * has not sent yet. Past it the socket takes no more, so a client that does not read stops costing server work
     * once its own window is full, instead of after the kernel's autotuned send buffer (up to 4 MiB a connection).
     * What is in flight is not counted: a client that reads still gets the window its link allows.
     */
    public static final int DEFAULT_UNSENT_LIMIT = 128 * 1024;
    /**
     * The default allocator of connections' buffers: Netty's pooled allocator, not 4.2's adaptive default. The
     * adaptive one gives its free chunks back only while it allocates, so after a burst of hostile clients an idle
     * server kept its peak (about 100 MB after 1,000 flooding clients); the pooled one frees a chunk as soon as it
     * is empty, and direct memory returns to a few MB (README, "Backpressure").
     */
    public static final ByteBufAllocator DEFAULT_ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    private static final int NO_PORT = -1;
    /** Event loops are stopped without a quiet period: close() means now; in-flight work has its timeout. */
    private static final Duration SHUTDOWN_QUIET = Duration.ZERO;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration MIN_DISPOSE_TIMEOUT = Duration.ofMillis(1);
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    // Not final only so that the setters can fill in a copy; an instance never changes once returned.
    private String host = "127.0.0.1";
    private int port;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Limits limits = Limits.DEFAULT;
    private Service service;
    private Transport transport = Transport.auto();
    private boolean reusePort;
    private int backlog = DEFAULT_BACKLOG;
    private boolean noDelay = true;
    private int receiveBuffer = OS_DEFAULT;
    private int sendBuffer = OS_DEFAULT;
    private int unsentLimit = DEFAULT_UNSENT_LIMIT;
    private ByteBufAllocator allocator = DEFAULT_ALLOCATOR;
    private Tls tls;
    private int tlsPort = NO_PORT;
    private Timeouts timeouts = Timeouts.DEFAULT;

    private HttpServer() {}

    /**
     * A server for 127.0.0.1 on an ephemeral port, one event loop per core on the {@link Transport#auto()}
     * transport, one shared listening socket, TCP_NODELAY, kernel-sized socket buffers, default limits, no TLS.
     */
    public static HttpServer create() {
        return new HttpServer();
    }

    private HttpServer copy() {
        HttpServer c = new HttpServer();
        c.host = host;
        c.port = port;
        c.threads = threads;
        c.limits = limits;
        c.service = service;
        c.transport = transport;
        c.reusePort = reusePort;
        c.backlog = backlog;
        c.noDelay = noDelay;
        c.receiveBuffer = receiveBuffer;
        c.sendBuffer = sendBuffer;
        c.unsentLimit = unsentLimit;
        c.allocator = allocator;
        c.tls = tls;
        c.tlsPort = tlsPort;
        c.timeouts = timeouts;
        return c;
    }

    public HttpServer host(String host) {
        HttpServer c = copy();
        c.host = Objects.requireNonNull(host);
        return c;
    }

    /** The port to listen on; 0 picks a free one. */
    public HttpServer port(int port) {
        HttpServer c = copy();
        c.port = requirePort(port);
        return c;
    }

    /** The number of event loops; 1 serves everything, accepting included, on one thread. */
    public HttpServer threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        HttpServer c = copy();
        c.threads = threads;
        return c;
    }

    public HttpServer limits(Limits limits) {
        HttpServer c = copy();
        c.limits = Objects.requireNonNull(limits);
        return c;
    }

    public HttpServer handle(Service service) {
        HttpServer c = copy();
        c.service = Objects.requireNonNull(service);
        return c;
    }

    /** The I/O transport of the event loops; {@link #bind} fails if it is not available here. */
    public HttpServer transport(Transport transport) {
        HttpServer c = copy();
        c.transport = Objects.requireNonNull(transport);
        return c;
    }

    /** One listening socket per event loop with SO_REUSEPORT (thread-per-core), instead of one shared socket. */
    public HttpServer reusePort(boolean reusePort) {
        HttpServer c = copy();
        c.reusePort = reusePort;
        return c;
    }

    /** The accept queue length of each listening socket (SO_BACKLOG; the kernel caps it at somaxconn). */
    public HttpServer backlog(int backlog) {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1");
        }
        HttpServer c = copy();
        c.backlog = backlog;
        return c;
    }

    /** TCP_NODELAY on accepted connections: on by default, as each batch is one write that should leave now. */
    public HttpServer noDelay(boolean noDelay) {
        HttpServer c = copy();
        c.noDelay = noDelay;
        return c;
    }

    /** SO_RCVBUF in bytes for accepted connections (set on the listener too, for the TCP window); 0: kernel. */
    public HttpServer receiveBuffer(int bytes) {
        HttpServer c = copy();
        c.receiveBuffer = requireBufferSize(bytes);
        return c;
    }

    /** SO_SNDBUF in bytes for accepted connections; 0 leaves it to the kernel. */
    public HttpServer sendBuffer(int bytes) {
        HttpServer c = copy();
        c.sendBuffer = requireBufferSize(bytes);
        return c;
    }

    /**
     * TCP_NOTSENT_LOWAT in bytes for accepted connections (epoll and io_uring; on NIO the host's sysctl
     * {@code net.ipv4.tcp_notsent_lowat} applies): how much output the kernel holds unsent; 0 leaves it to the host.
     */
    public HttpServer unsentLimit(int bytes) {
        HttpServer c = copy();
        c.unsentLimit = requireBufferSize(bytes);
        return c;
    }

    /** The allocator of connections' buffers (reads, responses, kept request bytes); {@link #DEFAULT_ALLOCATOR}. */
    public HttpServer allocator(ByteBufAllocator allocator) {
        HttpServer c = copy();
        c.allocator = Objects.requireNonNull(allocator);
        return c;
    }

    /** Serves HTTPS with these settings: on {@link #port} alone, or on {@link #tlsPort} next to plain HTTP. */
    public HttpServer tls(Tls tls) {
        HttpServer c = copy();
        c.tls = Objects.requireNonNull(tls);
        return c;
    }

    /** Serves HTTPS on this port (0: a free one) and plain HTTP on {@link #port}; needs {@link #tls}. */
    public HttpServer tlsPort(int tlsPort) {
        HttpServer c = copy();
        c.tlsPort = requirePort(tlsPort);
        return c;
    }

    /** All the timeouts at once; the methods below set one each. */
    public HttpServer timeouts(Timeouts timeouts) {
        HttpServer c = copy();
        c.timeouts = Objects.requireNonNull(timeouts);
        return c;
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

    /**
     * The slowest a request body may arrive, in bytes per second averaged from its start, once {@code grace} has
     * passed; a slower one is answered with 408. 0 turns the check off.
     */
    public HttpServer minBodyRate(long bytesPerSecond, Duration grace) {
        return timeouts(timeouts.withMinBodyRate(bytesPerSecond, grace));
    }

    /** How long output may stay over the write buffer's high water mark before the connection is closed. */
    public HttpServer writeTimeout(Duration write) {
        return timeouts(timeouts.withWrite(write));
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

    /** The name of the transport {@link #create()} uses by default here. */
    public static String transport() {
        return Transport.auto().label();
    }

    /** Binds and starts serving; {@link Running#shutdown} (or {@link Running#close()}) stops it gracefully. */
    public Running bind() {
        Service handler = Objects.requireNonNull(service, "no service: call handle(service) first");
        if (tlsPort != NO_PORT && tls == null) {
            throw new IllegalStateException("tlsPort needs tls(...)");
        }
        Limits decoderLimits = limits;
        // Netty 4.2 event loops with the chosen I/O handler; reactor-netty derives the channel classes from the
        // group (runOn), so io_uring, epoll and nio all go through the same TcpServer code.
        Timeouts connectionTimeouts = timeouts;
        Drain drain = new Drain();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("minihttp-" + transport.label(), true), NettyTransport.ioHandlerFactory(transport));
        List<DisposableServer> servers = new ArrayList<>();
        try {
            TcpServer base = TcpServer.create()
                    .host(host)
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .channelGroup(drain.channels())
                    .childOption(ChannelOption.TCP_NODELAY, noDelay)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    // A client's half-close ends its input only: its responses still go out (HalfClose).
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, HttpConnection.WRITE_BUFFER_WATER_MARK)
                    .handle((in, out) -> HttpConnection.serve(in, out, handler, decoderLimits, connectionTimeouts,
                            drain));
            if (receiveBuffer != OS_DEFAULT) {
                base = base.option(ChannelOption.SO_RCVBUF, receiveBuffer)
                        .childOption(ChannelOption.SO_RCVBUF, receiveBuffer);
            }
            if (sendBuffer != OS_DEFAULT) {
                base = base.childOption(ChannelOption.SO_SNDBUF, sendBuffer);
            }
            ChannelOption<Long> unsentLimitOption = NettyTransport.unsentLimitOption(transport);
            if (unsentLimit != OS_DEFAULT && unsentLimitOption != null) {
                base = base.childOption(unsentLimitOption, (long) unsentLimit);
            }
            int plainPort = NO_PORT;
            int securePort = NO_PORT;
            if (tls == null || tlsPort != NO_PORT) {
                plainPort = listen(base, port, group, servers);
            }
            Tls.Provider provider = null;
            if (tls != null) {
                provider = tls.effectiveProvider();
                SslProvider ssl = SslProvider.builder().sslContext(tls.sslContext()).build();
                securePort = listen(base.secure(ssl), tlsPort != NO_PORT ? tlsPort : port, group, servers);
            }
            Transport used = NettyTransport.of(servers.get(0).channel());
            return new Running(servers, group, host, plainPort, securePort, threads, used, reusePort,
                    provider, tls == null ? null : tls.fingerprint(), drain, timeouts.shutdown());
        } catch (RuntimeException e) {
            servers.forEach(DisposableServer::disposeNow);
            stopLoops(group);
            throw e;
        }
    }

    /** Opens the listening socket(s) of one port: one shared, or one per loop with SO_REUSEPORT; the bound port. */
    private int listen(TcpServer server, int port, MultiThreadIoEventLoopGroup group, List<DisposableServer> servers) {
        if (!reusePort) {
            DisposableServer bound = server.port(port).runOn(group).bindNow();
            servers.add(bound);
            return bound.port();
        }
        int bound = port;
        for (EventExecutor loop : group) {
            // Each listener runs on one loop only, so its connections are accepted and served by that thread.
            DisposableServer s = server.option(NettyTransport.reusePortOption(transport), true)
                    .port(bound)
                    .runOn((EventLoopGroup) loop)
                    .bindNow();
            servers.add(s);
            bound = s.port();
        }
        return bound;
    }

    private static void stopLoops(EventLoopGroup group) {
        group.shutdownGracefully(SHUTDOWN_QUIET.toMillis(), SHUTDOWN_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private static int requirePort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port;
    }

    private static int requireBufferSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("buffer size must be 0 (kernel default) or positive: " + bytes);
        }
        return bytes;
    }

    /** A bound server: its addresses, how it runs, and how to stop it. */
    public static final class Running implements AutoCloseable {
        private final List<DisposableServer> servers;
        private final EventLoopGroup group;
        private final String host;
        private final int plainPort;
        private final int tlsPort;
        private final int threads;
        private final Transport transport;
        private final boolean reusePort;
        private final Tls.Provider tlsProvider;
        private final String fingerprint;
        private final Drain drain;
        private final Duration shutdownTimeout;

        private Running(List<DisposableServer> servers, EventLoopGroup group, String host, int plainPort, int tlsPort,
                int threads, Transport transport, boolean reusePort, Tls.Provider tlsProvider, String fingerprint,
                Drain drain, Duration shutdownTimeout) {
            this.servers = List.copyOf(servers);
            this.group = group;
            this.host = host;
            this.plainPort = plainPort;
            this.tlsPort = tlsPort;
            this.threads = threads;
            this.transport = transport;
            this.reusePort = reusePort;
            this.tlsProvider = tlsProvider;
            this.fingerprint = fingerprint;
            this.drain = drain;
            this.shutdownTimeout = shutdownTimeout;
        }

        public String host() {
            return host;
        }

        /** The port of the first listener: plain HTTP, or HTTPS when TLS is the only listener. */
        public int port() {
            return plainPort != NO_PORT ? plainPort : tlsPort;
        }

        /** The plain HTTP port, or -1 when only HTTPS is served. */
        public int plainPort() {
            return plainPort;
        }

        /** The HTTPS port, or -1 without TLS. */
        public int tlsPort() {
            return tlsPort;
        }

        /** The transport the listening channels actually run on. */
        public Transport transport() {
            return transport;
        }

        /** The TLS engine in use, or null without TLS. */
        public Tls.Provider tlsProvider() {
            return tlsProvider;
        }

        /** The SHA-256 fingerprint of the server certificate, or null without TLS. */
        public String fingerprint() {
            return fingerprint;
        }

        /** The listening channels: one per port, or one per loop and port with SO_REUSEPORT. */
        List<Channel> listeners() {
            return servers.stream().map(DisposableServer::channel).toList();
        }

        /**
         * The ready line, e.g. {@code listening on http://HOST:PORT (N event loops, TRANSPORT)}; with TLS
         * {@code https://} (or {@code http://HOST:P and https://HOST:Q}) and the provider and fingerprint.
         */
        public String readyLine() {
            StringBuilder sb = new StringBuilder("listening on ");
            if (plainPort != NO_PORT) {
                sb.append("http://").append(host).append(':').append(plainPort);
            }
            if (tlsPort != NO_PORT) {
                sb.append(plainPort != NO_PORT ? " and " : "").append("https://").append(host).append(':').append(tlsPort);
            }
            sb.append(" (").append(threads).append(" event loops, ").append(transport.label());
            if (reusePort) {
                sb.append(", reuseport");
            }
            if (tlsProvider != null) {
                sb.append(", TLS ").append(tlsProvider).append(", certificate SHA-256 ").append(fingerprint);
            }
            return sb.append(')').toString();
        }

        /** Blocks until the server is stopped by {@link #close()}. */
        public void awaitClose() {
            for (DisposableServer server : servers) {
                server.onDispose().block();
            }
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
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean clean = true;
            for (DisposableServer server : servers) {
                // Closes the listening socket, waits for its connections to end, closes the rest at the deadline.
                long left = Math.max(deadline - System.nanoTime(), MIN_DISPOSE_TIMEOUT.toNanos());
                try {
                    server.disposeNow(Duration.ofNanos(left));
                } catch (IllegalStateException deadlinePassed) {
                    clean = false;
                }
            }
            if (!clean) {
                log.warn("shutdown: connections still busy after {} ms were closed", timeout.toMillis());
            }
            stopLoops(group);
            return clean;
        }

        /** {@link #shutdown} with the server's shutdown timeout. */
        @Override
        public void close() {
            shutdown(shutdownTimeout);
        }
    }
}
