package minihttp.internal.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import minihttp.server.HttpServer;
import minihttp.server.Tls;
import minihttp.server.Transport;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.NonBlocking;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.tcp.SslProvider;
import reactor.netty.tcp.TcpServer;

/**
 * The event loops and listening sockets of a bound server: a {@code TcpServer} per port (or per loop and port with
 * SO_REUSEPORT), TLS on the secure one, every accepted connection handed to the handler, and the graceful stop.
 */
public final class ServerBinding {

    /** The port of a listener that is not there: no plain HTTP, or no TLS. */
    public static final int NO_PORT = -1;
    /** Event loops are stopped without a quiet period: close() means now; in-flight work has its timeout. */
    private static final Duration SHUTDOWN_QUIET = Duration.ZERO;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration MIN_DISPOSE_TIMEOUT = Duration.ofMillis(1);
    private static final Logger log = LoggerFactory.getLogger(ServerBinding.class);

    /**
     * The socket settings of the builder; {@code tls} null for none, {@code tlsPort} {@link #NO_PORT} for none; a
     * TLS handshake must end within {@code handshakeTimeout} (the head deadline's, which starts after it).
     */
    public record Sockets(String host, int port, int tlsPort, int threads, Transport transport, boolean reusePort,
                          int backlog, boolean noDelay, int receiveBuffer, int sendBuffer, int unsentLimit,
                          ByteBufAllocator allocator, Tls tls, Duration handshakeTimeout) {}

    private final List<DisposableServer> servers;
    private final EventLoopGroup group;
    private final Drain drain;
    private final int plainPort;
    private final int tlsPort;
    private final Transport transport;

    private ServerBinding(List<DisposableServer> servers, EventLoopGroup group, Drain drain, int plainPort,
                          int tlsPort) {
        this.servers = List.copyOf(servers);
        this.group = group;
        this.drain = drain;
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
        this.transport = NettyTransport.of(servers.get(0).channel());
    }

    /**
     * Starts the event loops and listens; each accepted connection, kept in {@code drain}'s channels, is served by
     * {@code handler}. On failure nothing is left running.
     */
    public static ServerBinding bind(Sockets sockets, Drain drain,
            BiFunction<? super NettyInbound, ? super NettyOutbound, ? extends Publisher<Void>> handler) {
        // Netty 4.2 event loops with the chosen I/O handler; reactor-netty derives the channel classes from the
        // group (runOn), so io_uring, epoll and nio all go through the same TcpServer code.
        Transport transport = sockets.transport();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(sockets.threads(),
                new LoopThreads("minihttp-" + transport.label()), NettyTransport.ioHandlerFactory(transport));
        List<DisposableServer> servers = new ArrayList<>();
        try {
            TcpServer base = TcpServer.create()
                    .host(sockets.host())
                    .option(ChannelOption.SO_BACKLOG, sockets.backlog())
                    .channelGroup(drain.channels())
                    .childOption(ChannelOption.TCP_NODELAY, sockets.noDelay())
                    .childOption(ChannelOption.ALLOCATOR, sockets.allocator())
                    // A client's half-close ends its input only: its responses still go out (HalfClose).
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, HttpConnection.WRITE_BUFFER_WATER_MARK)
                    .handle(handler);
            if (sockets.receiveBuffer() != HttpServer.OS_DEFAULT) {
                base = base.option(ChannelOption.SO_RCVBUF, sockets.receiveBuffer())
                        .childOption(ChannelOption.SO_RCVBUF, sockets.receiveBuffer());
            }
            if (sockets.sendBuffer() != HttpServer.OS_DEFAULT) {
                base = base.childOption(ChannelOption.SO_SNDBUF, sockets.sendBuffer());
            }
            ChannelOption<Long> unsentLimit = NettyTransport.unsentLimitOption(sockets.transport());
            if (sockets.unsentLimit() != HttpServer.OS_DEFAULT && unsentLimit != null) {
                base = base.childOption(unsentLimit, (long) sockets.unsentLimit());
            }
            Tls tls = sockets.tls();
            int plainPort = NO_PORT;
            int securePort = NO_PORT;
            if (tls == null || sockets.tlsPort() != NO_PORT) {
                plainPort = listen(base, sockets.port(), sockets, group, servers);
            }
            if (tls != null) {
                SslProvider ssl = SslProvider.builder().sslContext(tls.sslContext())
                        .handshakeTimeout(sockets.handshakeTimeout()).build();
                int port = sockets.tlsPort() != NO_PORT ? sockets.tlsPort() : sockets.port();
                // reactor-netty adds a TLS connection to the group only once its handshake is done; one still
                // shaking hands at shutdown would be left open, as the loops' stop does not close it either.
                TcpServer secure = base.secure(ssl).doOnChannelInit((observer, channel, address) ->
                        drain.channels().add(channel));
                securePort = listen(secure, port, sockets, group, servers);
            }
            return new ServerBinding(servers, group, drain, plainPort, securePort);
        } catch (RuntimeException e) {
            servers.forEach(DisposableServer::disposeNow);
            stopLoops(group);
            throw e;
        }
    }

    /** Opens the listening socket(s) of one port: one shared, or one per loop with SO_REUSEPORT; the bound port. */
    private static int listen(TcpServer server, int port, Sockets sockets, MultiThreadIoEventLoopGroup group,
                              List<DisposableServer> servers) {
        if (!sockets.reusePort()) {
            DisposableServer bound = server.port(port).runOn(group).bindNow();
            servers.add(bound);
            return bound.port();
        }
        int bound = port;
        for (EventExecutor loop : group) {
            // Each listener runs on one loop only, so its connections are accepted and served by that thread.
            DisposableServer s = server.option(NettyTransport.reusePortOption(sockets.transport()), true)
                    .port(bound)
                    .runOn((EventLoopGroup) loop)
                    .bindNow();
            servers.add(s);
            bound = s.port();
        }
        return bound;
    }

    /** The plain HTTP port, or {@link #NO_PORT}. */
    public int plainPort() {
        return plainPort;
    }

    /** The HTTPS port, or {@link #NO_PORT}. */
    public int tlsPort() {
        return tlsPort;
    }

    /** The transport the listening channels actually run on. */
    public Transport transport() {
        return transport;
    }

    /** The listening channels: one per port, or one per loop and port with SO_REUSEPORT. */
    public List<Channel> listeners() {
        return servers.stream().map(DisposableServer::channel).toList();
    }

    /** The open connections' channels. */
    public ChannelGroup channels() {
        return drain.channels();
    }

    public int openConnections() {
        return drain.openConnections();
    }

    /** Blocks until every listener is disposed. */
    public void awaitClose() {
        for (DisposableServer server : servers) {
            server.onDispose().block();
        }
    }

    /**
     * Drains every connection, closes the listeners, waits for the connections to close, closes what is still open
     * at the deadline, then stops the event loops; whether every connection finished in time.
     */
    public boolean shutdown(Duration timeout) {
        drain.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        // Not reactor-netty's disposeNow: it asks each connection's ChannelOperations for its end from this thread,
        // and a connection closing on its loop meanwhile can make that throw. A drained connection ends by closing.
        servers.forEach(DisposableServer::dispose);
        boolean clean = true;
        for (DisposableServer server : servers) {
            clean &= awaitUntil(server.channel().closeFuture(), deadline);
        }
        for (Channel channel : drain.channels()) {
            if (ChannelOperations.get(channel) == null) {
                channel.close(); // not served yet (a TLS handshake, say), so it owes nothing: as disposeNow does
            }
        }
        for (Channel channel : drain.channels()) {
            clean &= awaitUntil(channel.closeFuture(), deadline);
        }
        if (!clean) {
            log.warn("shutdown: connections still busy after {} ms were closed", timeout.toMillis());
            drain.channels().forEach(Drain::closeNow);
            long closing = System.nanoTime() + SHUTDOWN_TIMEOUT.toNanos();
            drain.channels().forEach(channel -> awaitUntil(channel.closeFuture(), closing));
        }
        stopLoops(group);
        return clean;
    }

    /** Whether the calling thread is one of this server's event loops, which a shutdown must not block. */
    public boolean inEventLoop() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** Waits for {@code future} until {@code deadline} (a {@link System#nanoTime()}); whether it completed. */
    private static boolean awaitUntil(Future<?> future, long deadline) {
        long left = Math.max(deadline - System.nanoTime(), MIN_DISPOSE_TIMEOUT.toNanos());
        return future.awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the event loops, waiting for them a bounded time: a loop blocked for good (a service that called
     * {@code System.exit} there, while this runs in the JVM's shutdown hook) must not hold the shutdown, and with
     * it the process, for ever.
     */
    private static void stopLoops(EventLoopGroup group) {
        Future<?> stopped = group.shutdownGracefully(SHUTDOWN_QUIET.toMillis(), SHUTDOWN_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        if (!stopped.awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("shutdown: event loops still busy after {} ms were left to stop", 2 * SHUTDOWN_TIMEOUT.toMillis());
        }
    }

    /**
     * The event loops' threads: Netty's, marked non-blocking for Reactor, as reactor-netty's are, so that a call
     * that would block one ({@code Mono.block}, a server's shutdown) is refused there instead of stalling it.
     */
    private static final class LoopThreads extends DefaultThreadFactory {
        LoopThreads(String prefix) {
            super(prefix, true);
        }

        @Override
        protected Thread newThread(Runnable r, String name) {
            return new LoopThread(threadGroup, r, name);
        }
    }

    private static final class LoopThread extends FastThreadLocalThread implements NonBlocking {
        LoopThread(ThreadGroup group, Runnable task, String name) {
            super(group, task, name);
        }
    }
}
