package minihttp.server;

import io.netty.channel.Channel;
import java.util.List;

/** The listening channels of a running server, for tests in other packages (not part of the API). */
public final class Listeners {

    private Listeners() {}

    /** The channels {@code server} accepts on, one per port, or one per port and loop with SO_REUSEPORT. */
    public static List<Channel> of(RunningServer server) {
        return server.listeners();
    }
}
