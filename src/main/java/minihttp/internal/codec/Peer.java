package minihttp.internal.codec;

import java.net.SocketAddress;

/**
 * The two ends of a connection and its scheme, shared by all its requests.
 *
 * @param remote the client's address
 * @param local the server's address the client connected to
 * @param scheme {@code http} or {@code https}
 */
public record Peer(SocketAddress remote, SocketAddress local, String scheme) {

    /** For requests decoded away from a socket (tests, the testing kit). */
    public static final Peer UNKNOWN = new Peer(null, null, "http");
}
