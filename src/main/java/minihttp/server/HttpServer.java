package minihttp.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.Objects;
import minihttp.internal.server.Drain;
import minihttp.internal.server.GuardedListener;
import minihttp.internal.server.HttpConnection;
import minihttp.internal.server.ServerBinding;
import minihttp.internal.server.SimpleConnection;
import minihttp.observe.HttpListener;
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
    private static final int NO_PORT = ServerBinding.NO_PORT;

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
    private Pipeline pipeline = Pipeline.BATCHED;
    private HttpListener listener;

    private HttpServer() {}

    /**
     * A server for 127.0.0.1 on an ephemeral port, one event loop per core on the {@link Transport#auto()}
     * transport, one shared listening socket, TCP_NODELAY, kernel-sized socket buffers, default limits, no TLS.
     *
     * @return the server's settings, to refine and {@link #bind}
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
        c.pipeline = pipeline;
        c.listener = listener;
        return c;
    }

    /**
     * The address to listen on (default 127.0.0.1).
     *
     * @param host a host name or IP address, not blank; {@code 0.0.0.0} or {@code ::} for every interface
     * @return a copy of this server with the setting changed
     */
    public HttpServer host(String host) {
        if (Objects.requireNonNull(host, "host").isBlank()) {
            throw new IllegalArgumentException("empty host: say 0.0.0.0 or :: to listen on every interface");
        }
        HttpServer c = copy();
        c.host = host;
        return c;
    }

    /**
     * The port to listen on; 0 picks a free one.
     *
     * @param port the port
     * @return a copy of this server with the setting changed
     */
    public HttpServer port(int port) {
        HttpServer c = copy();
        c.port = requirePort(port);
        return c;
    }

    /**
     * The number of event loops; 1 serves everything, accepting included, on one thread.
     *
     * @param threads at least 1
     * @return a copy of this server with the setting changed
     */
    public HttpServer threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        HttpServer c = copy();
        c.threads = threads;
        return c;
    }

    /**
     * What a client may send before it gets an error status instead.
     *
     * @param limits the limits
     * @return a copy of this server with the setting changed
     */
    public HttpServer limits(Limits limits) {
        HttpServer c = copy();
        c.limits = Objects.requireNonNull(limits);
        return c;
    }

    /**
     * The service that answers every request.
     *
     * @param service the service, often a {@link minihttp.service.Router}
     * @return a copy of this server with the setting changed
     */
    public HttpServer handle(Service service) {
        HttpServer c = copy();
        c.service = Objects.requireNonNull(service);
        return c;
    }

    /**
     * The I/O transport of the event loops; {@link #bind} fails if it is not available here.
     *
     * @param transport the transport
     * @return a copy of this server with the setting changed
     */
    public HttpServer transport(Transport transport) {
        HttpServer c = copy();
        c.transport = Objects.requireNonNull(transport);
        return c;
    }

    /**
     * One listening socket per event loop with SO_REUSEPORT (thread-per-core), instead of one shared socket.
     *
     * @param reusePort whether to use SO_REUSEPORT
     * @return a copy of this server with the setting changed
     */
    public HttpServer reusePort(boolean reusePort) {
        HttpServer c = copy();
        c.reusePort = reusePort;
        return c;
    }

    /**
     * The accept queue length of each listening socket (SO_BACKLOG; the kernel caps it at somaxconn).
     *
     * @param backlog the queue length
     * @return a copy of this server with the setting changed
     */
    public HttpServer backlog(int backlog) {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1");
        }
        HttpServer c = copy();
        c.backlog = backlog;
        return c;
    }

    /**
     * TCP_NODELAY on accepted connections: on by default, as each batch is one write that should leave now.
     *
     * @param noDelay whether to set TCP_NODELAY
     * @return a copy of this server with the setting changed
     */
    public HttpServer noDelay(boolean noDelay) {
        HttpServer c = copy();
        c.noDelay = noDelay;
        return c;
    }

    /**
     * SO_RCVBUF for accepted connections (set on the listener too, for the TCP window).
     *
     * @param bytes the size in bytes, or {@link #OS_DEFAULT}
     * @return a copy of this server with the setting changed
     */
    public HttpServer receiveBuffer(int bytes) {
        HttpServer c = copy();
        c.receiveBuffer = requireBufferSize(bytes);
        return c;
    }

    /**
     * SO_SNDBUF for accepted connections.
     *
     * @param bytes the size in bytes, or {@link #OS_DEFAULT}
     * @return a copy of this server with the setting changed
     */
    public HttpServer sendBuffer(int bytes) {
        HttpServer c = copy();
        c.sendBuffer = requireBufferSize(bytes);
        return c;
    }

    /**
     * TCP_NOTSENT_LOWAT for accepted connections (epoll and io_uring; on NIO the host's sysctl
     * {@code net.ipv4.tcp_notsent_lowat} applies): how much output the kernel holds unsent.
     *
     * @param bytes the limit in bytes; 0 leaves it to the host
     * @return a copy of this server with the setting changed
     */
    public HttpServer unsentLimit(int bytes) {
        HttpServer c = copy();
        c.unsentLimit = requireBufferSize(bytes);
        return c;
    }

    /**
     * The allocator of connections' buffers (reads, responses, kept request bytes).
     *
     * @param allocator the allocator; {@link #DEFAULT_ALLOCATOR} by default
     * @return a copy of this server with the setting changed
     */
    public HttpServer allocator(ByteBufAllocator allocator) {
        HttpServer c = copy();
        c.allocator = Objects.requireNonNull(allocator);
        return c;
    }

    /**
     * Serves HTTPS with these settings: on {@link #port} alone, or on {@link #tlsPort} next to plain HTTP.
     *
     * @param tls the certificate and engine
     * @return a copy of this server with the setting changed
     */
    public HttpServer tls(Tls tls) {
        HttpServer c = copy();
        c.tls = Objects.requireNonNull(tls);
        return c;
    }

    /**
     * Serves HTTPS on this port and plain HTTP on {@link #port}; needs {@link #tls}.
     *
     * @param tlsPort the HTTPS port; 0 picks a free one
     * @return a copy of this server with the setting changed
     */
    public HttpServer tlsPort(int tlsPort) {
        HttpServer c = copy();
        c.tlsPort = requirePort(tlsPort);
        return c;
    }

    /**
     * Tells {@code listener} of connections, answered requests and decode errors: an access log, metrics, or one's
     * own ({@link HttpListener#all} combines several). With none, the default, the server does no work for one.
     * A listener that throws is logged, and changes nothing the server does. The study pipeline ({@link Pipeline#SIMPLE}) tells no listener.
     *
     * @param listener the listener, or {@code null} for none
     * @return a copy of this server with the setting changed
     */
    public HttpServer listener(HttpListener listener) {
        HttpServer c = copy();
        c.listener = listener;
        return c;
    }

    /**
     * The connection pipeline: {@link Pipeline#BATCHED}, the default, or the study one, {@link Pipeline#SIMPLE}.
     *
     * @param pipeline the pipeline
     * @return a copy of this server with the setting changed
     */
    public HttpServer pipeline(Pipeline pipeline) {
        HttpServer c = copy();
        c.pipeline = Objects.requireNonNull(pipeline);
        return c;
    }

    /**
     * All the timeouts at once; the methods below set one each.
     *
     * @param timeouts the timeouts
     * @return a copy of this server with the setting changed
     */
    public HttpServer timeouts(Timeouts timeouts) {
        HttpServer c = copy();
        c.timeouts = Objects.requireNonNull(timeouts);
        return c;
    }

    /**
     * How long a keep-alive connection may sit idle between requests.
     *
     * @param idle a positive duration
     * @return a copy of this server with the setting changed
     */
    public HttpServer idleTimeout(Duration idle) {
        return timeouts(timeouts.withIdle(idle));
    }

    /**
     * The deadline for a whole request head, from its first byte (from the accept for a connection's first).
     *
     * @param header a positive duration
     * @return a copy of this server with the setting changed
     */
    public HttpServer headerTimeout(Duration header) {
        return timeouts(timeouts.withHeader(header));
    }

    /**
     * How long a request body may go without a read before the request is answered with 408.
     *
     * @param body a positive duration
     * @return a copy of this server with the setting changed
     */
    public HttpServer bodyTimeout(Duration body) {
        return timeouts(timeouts.withBody(body));
    }

    /**
     * The slowest a request body may arrive, averaged from its start once {@code grace} has passed; a slower one is
     * answered with 408.
     *
     * @param bytesPerSecond the minimum in bytes per second; 0 turns the check off
     * @param grace how long a body may arrive slower, from its start
     * @return a copy of this server with the setting changed
     */
    public HttpServer minBodyRate(long bytesPerSecond, Duration grace) {
        return timeouts(timeouts.withMinBodyRate(bytesPerSecond, grace));
    }

    /**
     * How long output may stay over the write buffer's high water mark before the connection is closed.
     *
     * @param write a positive duration
     * @return a copy of this server with the setting changed
     */
    public HttpServer writeTimeout(Duration write) {
        return timeouts(timeouts.withWrite(write));
    }

    /**
     * How long a graceful shutdown waits for requests in flight before it closes their connections.
     *
     * @param shutdown a duration, zero or more
     * @return a copy of this server with the setting changed
     */
    public HttpServer shutdownTimeout(Duration shutdown) {
        return timeouts(timeouts.withShutdown(shutdown));
    }

    /** {@return the timeouts} */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** {@return the number of event loops} */
    public int threads() {
        return threads;
    }

    /** {@return the connection pipeline} */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** {@return the name of the transport {@link #create()} uses by default here} */
    public static String transport() {
        return Transport.auto().label();
    }

    /**
     * Binds and starts serving; {@link RunningServer#shutdown} (or {@link RunningServer#close()}) stops it gracefully.
     *
     * @return the running server
     */
    public RunningServer bind() {
        Service handler = Objects.requireNonNull(service, "no service: call handle(service) first");
        if (tlsPort != NO_PORT && tls == null) {
            throw new IllegalStateException("tlsPort needs tls(...)");
        }
        Limits decoderLimits = limits;
        Timeouts connectionTimeouts = timeouts;
        Drain drain = new Drain();
        HttpListener connectionListener = GuardedListener.of(listener);
        ServerBinding binding = ServerBinding.bind(new ServerBinding.Sockets(host, port, tlsPort, threads, transport,
                        reusePort, backlog, noDelay, receiveBuffer, sendBuffer, unsentLimit, allocator, tls,
                        timeouts.header()), drain,
                (in, out) -> pipeline == Pipeline.SIMPLE
                        ? SimpleConnection.serve(in, out, handler, decoderLimits)
                        : HttpConnection.serve(in, out, handler, decoderLimits, connectionTimeouts, drain,
                                connectionListener));
        return new RunningServer(binding, host, threads, reusePort, tls == null ? null : tls.effectiveProvider(),
                tls == null ? null : tls.fingerprint(), timeouts.shutdown());
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
}
