package minihttp.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import minihttp.app.Work;
import minihttp.internal.codec.DateCache;
import minihttp.internal.server.NettyTransport;
import minihttp.server.Tls;
import minihttp.server.Transport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Plaintext server on bare Netty, no Reactor: the baseline that the benchmark compares minihttp with. */
@Command(name = "raw-netty", mixinStandardHelpOptions = true,
        description = "Bare Netty plaintext server (the benchmark baseline); answers every request alike.")
public final class RawNettyServer implements Callable<Integer> {

    private static final int SO_BACKLOG = 4096;
    private static final long SHUTDOWN_QUIET_MILLIS = 0;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "8081", description = "Port, 0 for any (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--threads", defaultValue = "1", description = "Event loop threads (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|io_uring|epoll|nio",
            description = "I/O transport, chosen as minihttp's --transport (default: ${DEFAULT-VALUE}).")
    private String transport;

    @Option(names = "--work-us", defaultValue = "0", paramLabel = "N",
            description = "Spin N microseconds per request before answering, as minihttp's demo route /work?us=N "
                    + "does, for the harness's work scenarios (default: ${DEFAULT-VALUE}).")
    private long workMicros;

    @Option(names = "--tls", description = "Serve HTTPS with a self-signed certificate for localhost.")
    private boolean tls;

    @Option(names = "--tls-provider", defaultValue = "auto", paramLabel = "auto|openssl|jdk",
            description = "TLS engine, chosen as minihttp's --tls-provider (default: ${DEFAULT-VALUE}).")
    private String tlsProvider;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RawNettyServer()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (Work.micros(Long.toString(workMicros)) < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--work-us must be a number from 0 to " + Work.MAX_MICROS);
        }
        Transport io = Transport.parse(transport).requireAvailable();
        // The same TLS code as minihttp's, so both sides of the comparison run the same engine and certificate type.
        Tls tlsSettings = tls ? Tls.selfSigned().provider(Tls.Provider.parse(tlsProvider)) : null;
        SslContext ssl = tls ? tlsSettings.sslContext() : null;
        // One group accepts and serves, so --threads 1 really is a single event loop thread.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NettyTransport.ioHandlerFactory(io));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(group), "raw-netty-shutdown"));
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NettyTransport.serverChannelClass(io))
                    .option(ChannelOption.SO_BACKLOG, SO_BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new PlaintextHandler(workMicros));
                        }
                    })
                    .bind(host, port).sync().channel();
            int boundPort = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.printf("listening on %s://%s:%d (%d event loops, %s%s)%n", tls ? "https" : "http",
                    host, boundPort, threads, io.label(), tls ? ", TLS " + tlsSettings.effectiveProvider()
                            + ", certificate SHA-256 " + tlsSettings.fingerprint() : "");
            System.out.flush();
            server.closeFuture().sync();
        } finally {
            shutdown(group);
        }
        return 0;
    }

    private static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly();
    }

    /**
     * Answers each complete request head with the fixed plaintext response, after {@code workMicros} of spinning;
     * request bodies are not supported.
     */
    static final class PlaintextHandler extends ChannelInboundHandlerAdapter {

        private static final byte[] HEAD = ascii(
                "HTTP/1.1 200 OK\r\nServer: minihttp\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nDate: ");
        private static final byte[] TAIL = ascii("\r\n\r\nHello, World!");
        private static final int DATE_LENGTH = "Thu, 01 Jan 1970 00:00:00 GMT".length();
        private static final int RESPONSE_LENGTH = HEAD.length + DATE_LENGTH + TAIL.length;
        /** "\r\n\r\n" read as one big-endian int, which is {@link ByteBuf#getInt}'s order. */
        private static final int END_OF_HEAD = 0x0D0A0D0A;
        private static final int END_OF_HEAD_LENGTH = 4;
        /** A head still incomplete after this many bytes is not a request this baseline serves. */
        private static final int MAX_PENDING_BYTES = 64 * 1024;

        /** Microseconds of {@link Work#spin} per request; 0 for plain plaintext. */
        private final long workMicros;
        /** Unconsumed input: the start of a request whose head has not fully arrived yet. */
        private ByteBuf pending;
        private boolean flushNeeded;

        PlaintextHandler(long workMicros) {
            this.workMicros = workMicros;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (pending == null) {
                pending = in;
            } else {
                try {
                    pending.discardSomeReadBytes().writeBytes(in);
                } finally {
                    in.release();
                }
            }
            writeResponses(ctx, pending);
            if (!pending.isReadable() || pending.readableBytes() > MAX_PENDING_BYTES) {
                boolean oversized = pending.isReadable();
                pending.release();
                pending = null;
                if (oversized) {
                    ctx.close();
                }
            }
        }

        private void writeResponses(ChannelHandlerContext ctx, ByteBuf data) {
            // Requests with the usual headers are longer than this response, so the input size covers the
            // output; a short guess costs one reallocation, nothing more.
            int capacity = Math.max(RESPONSE_LENGTH, data.readableBytes());
            ByteBuf out = null;
            byte[] date = null;
            int end;
            while ((end = endOfHead(data)) >= 0) {
                data.readerIndex(end);
                if (workMicros > 0) {
                    Work.spin(workMicros);
                }
                if (out == null) {
                    out = ctx.alloc().ioBuffer(capacity);
                    date = DateCache.bytes();
                }
                out.writeBytes(HEAD).writeBytes(date).writeBytes(TAIL);
            }
            if (out != null) {
                ctx.write(out, ctx.voidPromise());
                flushNeeded = true;
            }
        }

        /** Index just past the first "\r\n\r\n" in the readable bytes, or -1. */
        private static int endOfHead(ByteBuf data) {
            int from = data.readerIndex() + END_OF_HEAD_LENGTH - 1;
            int to = data.writerIndex();
            while (from < to) {
                // ByteBuf.indexOf scans a word at a time; checking the three bytes before each LF is cheaper
                // than a generic substring search over every byte.
                int lf = data.indexOf(from, to, (byte) '\n');
                if (lf < 0) {
                    return -1;
                }
                if (data.getInt(lf - END_OF_HEAD_LENGTH + 1) == END_OF_HEAD) {
                    return lf + 1;
                }
                from = lf + 1;
            }
            return -1;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flushNeeded) {
                flushNeeded = false;
                ctx.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // Stop reading from a client that does not read its responses, so they cannot pile up unbounded.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
