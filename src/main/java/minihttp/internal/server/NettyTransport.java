package minihttp.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.StandardSocketOptions;
import minihttp.server.Transport;

/**
 * The Netty classes of each {@link Transport}. Each is a Netty 4.2 {@link IoHandlerFactory} for a
 * {@code MultiThreadIoEventLoopGroup}; reactor-netty picks the matching channel classes from the group it is given
 * ({@code runOn}), so the server only chooses the factory.
 */
public final class NettyTransport {

    private NettyTransport() {}

    /** The event loop's I/O handler for {@code new MultiThreadIoEventLoopGroup(n, factory)}. */
    public static IoHandlerFactory ioHandlerFactory(Transport transport) {
        return switch (transport.requireAvailable()) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** The listening channel class, for code that uses a Netty {@code ServerBootstrap} directly. */
    public static Class<? extends ServerChannel> serverChannelClass(Transport transport) {
        return switch (transport) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The transport a channel actually runs on, from its class. */
    public static Transport of(Channel channel) {
        for (Transport t : Transport.values()) {
            if (serverChannelClass(t).isInstance(channel) || socketChannelClass(t).isInstance(channel)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport of " + channel.getClass().getName());
    }

    private static Class<? extends Channel> socketChannelClass(Transport transport) {
        return switch (transport) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /** The SO_REUSEPORT option of this transport's listening socket. */
    public static ChannelOption<Boolean> reusePortOption(Transport transport) {
        return switch (transport) {
            // epoll and io_uring channels share Netty's unix options.
            case IO_URING, EPOLL -> UnixChannelOption.SO_REUSEPORT;
            case NIO -> NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
        };
    }

    /**
     * TCP_NOTSENT_LOWAT of this transport's connections, or null where Netty cannot set it: the JDK's NIO has no
     * such option (the host's {@code net.ipv4.tcp_notsent_lowat} sysctl applies there).
     */
    public static ChannelOption<Long> unsentLimitOption(Transport transport) {
        return switch (transport) {
            case IO_URING -> IoUringChannelOption.TCP_NOTSENT_LOWAT;
            case EPOLL -> EpollChannelOption.TCP_NOTSENT_LOWAT;
            case NIO -> null;
        };
    }
}
