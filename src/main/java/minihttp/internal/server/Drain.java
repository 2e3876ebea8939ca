package minihttp.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The graceful shutdown of a server's connections. reactor-netty keeps every open connection in {@link #channels()},
 * where {@link ServerBinding#shutdown} waits for them to end; this tells each one to end first: stop reading, send
 * the responses it owes (the last one with {@code Connection: close}), then close.
 */
public final class Drain {

    private final ChannelGroup channels = new DefaultChannelGroup("minihttp", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    /** The open connections, for reactor-netty's {@code TcpServer.channelGroup}. */
    public ChannelGroup channels() {
        return channels;
    }

    /** Whether the server is shutting down; a connection accepted meanwhile drains at once. */
    public boolean draining() {
        return draining;
    }

    /**
     * Tells every open connection to drain, each on its own event loop. A connection whose handler has not added
     * its {@link WriteGate} yet is not found; it sees {@link #draining()} once it has.
     */
    public void start() {
        draining = true;
        for (Channel channel : channels) {
            HttpConnection connection = connectionOf(channel);
            if (connection != null) {
                channel.eventLoop().execute(connection::drain);
            }
        }
    }

    /**
     * The connection served on {@code channel}, or null: found through its {@link WriteGate}, the handler it adds,
     * rather than an attribute of its own, which would cost every connection an entry in the channel's map.
     */
    public static HttpConnection connectionOf(Channel channel) {
        WriteGate gate = channel.pipeline().get(WriteGate.class);
        return gate == null ? null : gate.connection();
    }

    public int openConnections() {
        return channels.size();
    }

    /**
     * Closes {@code channel} at once, past the pipeline: over TLS without the close_notify, which the socket of a
     * client that does not read would never take (Netty's TLS handler would hold the close 3 s for it, then warn).
     */
    public static void closeNow(Channel channel) {
        if (channel.eventLoop().inEventLoop()) {
            channel.unsafe().close(channel.unsafe().voidPromise());
        } else {
            channel.eventLoop().execute(() -> closeNow(channel));
        }
    }
}
