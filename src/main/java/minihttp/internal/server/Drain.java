package minihttp.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The graceful shutdown of a server's connections. reactor-netty keeps every open connection in {@link #channels()}
 * and, in {@code disposeNow}, waits for them to end; this tells each one to end first: stop reading, send the
 * responses it owes (the last one with {@code Connection: close}), then close.
 */
public final class Drain {

    private static final AttributeKey<HttpConnection> CONNECTION = AttributeKey.valueOf("minihttp.connection");

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

    /** Makes {@code connection} reachable from its channel, for {@link #start()}. */
    void register(Channel channel, HttpConnection connection) {
        channel.attr(CONNECTION).set(connection);
    }

    /**
     * Tells every open connection to drain, each on its own event loop. A connection whose handler has not run yet
     * is not registered; it sees {@link #draining()} when it runs.
     */
    public void start() {
        draining = true;
        for (Channel channel : channels) {
            HttpConnection connection = channel.attr(CONNECTION).get();
            if (connection != null) {
                channel.eventLoop().execute(connection::drain);
            }
        }
    }

    /** The connection served on {@code channel}, or null; for tests. */
    public static HttpConnection connectionOf(Channel channel) {
        return channel.attr(CONNECTION).get();
    }

    public int openConnections() {
        return channels.size();
    }
}
