package minihttp.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.StandardSocketOptions;
import java.util.Locale;

/**
 * The Netty I/O transport that runs the event loops: Linux io_uring, Linux epoll, or the JDK's NIO selector.
 *
 * <p>Each is a Netty 4.2 {@link IoHandlerFactory} for a {@code MultiThreadIoEventLoopGroup}; reactor-netty picks
 * the matching channel classes from the group it is given ({@code runOn}), so the server only chooses the factory.
 */
public enum Transport {

    IO_URING("io_uring"),
    EPOLL("epoll"),
    NIO("nio");

    /** What {@code auto} tries, in order: epoll stays first, as the mature default that benchmarks compare with. */
    private static final Transport[] AUTO_ORDER = {EPOLL, IO_URING, NIO};

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    /** The name used on the command line and in the ready line. */
    public String label() {
        return label;
    }

    /** The first available of epoll, io_uring, nio. */
    public static Transport auto() {
        for (Transport t : AUTO_ORDER) {
            if (t.isAvailable()) {
                return t;
            }
        }
        return NIO;
    }

    /** Parses {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}; {@code auto} resolves at once. */
    public static Transport parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("auto")) {
            return auto();
        }
        for (Transport t : values()) {
            if (t.label.equals(n) || t.name().toLowerCase(Locale.ROOT).equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "' (auto, io_uring, epoll, nio)");
    }

    /** Whether the native library loads here and the kernel allows it; NIO is always available. */
    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** Why the transport is not available, or null when it is. */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    /** Fails with the reason when this transport cannot run here. */
    public Transport requireAvailable() {
        if (!isAvailable()) {
            throw new IllegalStateException("transport " + label + " is not available here: "
                    + unavailabilityCause(), unavailabilityCause());
        }
        return this;
    }

    /** The event loop's I/O handler for {@code new MultiThreadIoEventLoopGroup(n, factory)}. */
    public IoHandlerFactory ioHandlerFactory() {
        return switch (requireAvailable()) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** The listening channel class, for code that uses a Netty {@code ServerBootstrap} directly. */
    public Class<? extends ServerChannel> serverChannelClass() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The transport a channel actually runs on, from its class. */
    public static Transport of(Channel channel) {
        for (Transport t : values()) {
            if (t.serverChannelClass().isInstance(channel) || t.socketChannelClass().isInstance(channel)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport of " + channel.getClass().getName());
    }

    private Class<? extends Channel> socketChannelClass() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /** The SO_REUSEPORT option of this transport's listening socket. */
    public ChannelOption<Boolean> reusePortOption() {
        return switch (this) {
            // epoll and io_uring channels share Netty's unix options.
            case IO_URING, EPOLL -> UnixChannelOption.SO_REUSEPORT;
            case NIO -> NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
