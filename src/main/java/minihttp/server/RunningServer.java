package minihttp.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import minihttp.internal.server.ServerBinding;
import reactor.core.scheduler.Schedulers;

/** A bound server: its addresses, how it runs, and how to stop it. */
public final class RunningServer implements AutoCloseable {
    private final ServerBinding binding;
    private final String host;
    private final int threads;
    private final boolean reusePort;
    private final Tls.Provider tlsProvider;
    private final String fingerprint;
    private final Duration shutdownTimeout;
    /** The JVM shutdown hook of {@link #drainOnShutdown()}, or null. */
    private Thread shutdownHook;
    private boolean stopped;
    /** The first shutdown's answer, for the calls after it. */
    private final CompletableFuture<Boolean> stoppedCleanly = new CompletableFuture<>();

    RunningServer(ServerBinding binding, String host, int threads, boolean reusePort, Tls.Provider tlsProvider,
            String fingerprint, Duration shutdownTimeout) {
        this.binding = binding;
        this.host = host;
        this.threads = threads;
        this.reusePort = reusePort;
        this.tlsProvider = tlsProvider;
        this.fingerprint = fingerprint;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** {@return the address listened on} */
    public String host() {
        return host;
    }

    /** {@return the port of the first listener: plain HTTP, or HTTPS when TLS is the only listener} */
    public int port() {
        return binding.plainPort() != ServerBinding.NO_PORT ? binding.plainPort() : binding.tlsPort();
    }

    /** {@return the plain HTTP port, or -1 when only HTTPS is served} */
    public int plainPort() {
        return binding.plainPort();
    }

    /** {@return the HTTPS port, or -1 without TLS} */
    public int tlsPort() {
        return binding.tlsPort();
    }

    /** {@return the transport the listening channels actually run on} */
    public Transport transport() {
        return binding.transport();
    }

    /** {@return the TLS engine in use, or null without TLS} */
    public Tls.Provider tlsProvider() {
        return tlsProvider;
    }

    /** {@return the SHA-256 fingerprint of the server certificate, or null without TLS} */
    public String fingerprint() {
        return fingerprint;
    }

    /** {@return the listening channels: one per port, or one per loop and port with SO_REUSEPORT} */
    List<Channel> listeners() {
        return binding.listeners();
    }

    /**
     * The ready line, e.g. {@code listening on http://HOST:PORT (N event loops, TRANSPORT)}; with TLS
     * {@code https://} (or {@code http://HOST:P and https://HOST:Q}) and the provider and fingerprint.
     *
     * @return the line to print when the server is ready
     */
    public String readyLine() {
        int plainPort = binding.plainPort();
        int tlsPort = binding.tlsPort();
        String authorityHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host; // an IPv6 literal (RFC 3986)
        StringBuilder sb = new StringBuilder("listening on ");
        if (plainPort != ServerBinding.NO_PORT) {
            sb.append("http://").append(authorityHost).append(':').append(plainPort);
        }
        if (tlsPort != ServerBinding.NO_PORT) {
            sb.append(plainPort != ServerBinding.NO_PORT ? " and " : "").append("https://").append(authorityHost)
                    .append(':').append(tlsPort);
        }
        sb.append(" (").append(threads).append(" event loops, ").append(binding.transport().label());
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
        binding.awaitClose();
    }

    /** {@return the open connections' channels, for tests that look at a connection's outbound buffer} */
    ChannelGroup channels() {
        return binding.channels();
    }

    /** {@return the connections open now} */
    public int openConnections() {
        return binding.openConnections();
    }

    /**
     * Stops gracefully: stops accepting, lets every connection finish the requests it has read (the last
     * response of each says {@code Connection: close}), closes idle connections at once, and after
     * {@code timeout} closes whatever is still open; then stops the event loops.
     *
     * @param timeout how long the connections may take to finish
     * @return whether every connection finished within the deadline; a call made while another shuts the server
     *     down, or after, waits for that shutdown and returns its answer
     * @throws IllegalStateException on an event loop (of any server), or another thread Reactor marks non-blocking,
     *     which the wait would block. A service that stops the server starts this on another thread and answers
     *     without waiting for it, as the shutdown waits for that answer too:
     *     {@code Mono.fromRunnable(server::close).subscribeOn(Schedulers.boundedElastic()).subscribe()}
     */
    public boolean shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative shutdown timeout: " + timeout);
        }
        if (stoppedCleanly.isDone()) {
            return stoppedCleanly.join(); // stopped already: nothing to wait for, whatever the thread
        }
        if (binding.inEventLoop() || Schedulers.isInNonBlockingThread()) {
            throw new IllegalStateException("shutdown() waits for the connections to finish, which an event loop or "
                    + "another non-blocking thread must not do: call it from another thread");
        }
        synchronized (this) {
            if (stopped) {
                return stoppedCleanly.join();
            }
            stopped = true;
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException jvmShuttingDown) {
                    // the hook is running or about to: it finds the server stopped
                }
            }
        }
        boolean clean = false;
        try {
            clean = binding.shutdown(timeout);
            return clean;
        } finally {
            stoppedCleanly.complete(clean);
        }
    }

    /**
     * Drains this server when the JVM shuts down (SIGTERM, SIGINT, {@code System.exit}): a shutdown hook calls
     * {@link #close()}, so the requests already read are answered, within the shutdown timeout, before the
     * process ends. For an application that embeds the server; the demo CLI uses it too. The process then
     * exits as the JVM does on that signal (143 after SIGTERM, 130 after SIGINT).
     *
     * @return this running server
     */
    public synchronized RunningServer drainOnShutdown() {
        if (shutdownHook == null && !stopped) {
            shutdownHook = new Thread(this::close, "minihttp-drain");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

    /** {@link #shutdown} with the server's shutdown timeout; a second call does nothing. */
    @Override
    public void close() {
        shutdown(shutdownTimeout);
    }
}
