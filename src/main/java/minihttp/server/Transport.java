package minihttp.server;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.Locale;

/** The I/O transport that runs the event loops: Linux io_uring, Linux epoll, or the JDK's NIO selector. */
public enum Transport {

    /** Linux io_uring (kernel 5.x or later, when the container allows it). */
    IO_URING("io_uring"),
    /** Linux epoll, through Netty's native library. */
    EPOLL("epoll"),
    /** The JDK's NIO selector: available everywhere. */
    NIO("nio");

    /** What {@code auto} tries, in order: epoll stays first, as the mature default that benchmarks compare with. */
    private static final Transport[] AUTO_ORDER = {EPOLL, IO_URING, NIO};

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    /** {@return the name used on the command line and in the ready line} */
    public String label() {
        return label;
    }

    /** {@return the first available of epoll, io_uring, nio} */
    public static Transport auto() {
        for (Transport t : AUTO_ORDER) {
            if (t.isAvailable()) {
                return t;
            }
        }
        return NIO;
    }

    /**
     * Parses a transport name; {@code auto} resolves at once.
     *
     * @param name {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}
     * @return the transport
     */
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

    /** {@return whether the native library loads here and the kernel allows it; NIO is always available} */
    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** {@return why the transport is not available, or null when it is} */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    /** {@return fails with the reason when this transport cannot run here} */
    public Transport requireAvailable() {
        if (!isAvailable()) {
            throw new IllegalStateException("transport " + label + " is not available here: "
                    + unavailabilityCause(), unavailabilityCause());
        }
        return this;
    }

    /** {@return the label, as on the command line} */
    @Override
    public String toString() {
        return label;
    }
}
