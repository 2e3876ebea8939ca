package minihttp.internal.codec;

import java.net.SocketAddress;

/**
 * One connection as its requests see it: its two ends and its scheme, shared by all its requests. Equal only to
 * itself, so that it can stand for its connection (as {@code Blocking} keys a connection's calls by it).
 */
public final class Peer {

    /** For requests decoded away from a socket (tests, the testing kit). */
    public static final Peer UNKNOWN = new Peer(null, null, "http");

    private final SocketAddress remote;
    private final SocketAddress local;
    private final String scheme;

    /**
     * @param remote the client's address
     * @param local the server's address the client connected to
     * @param scheme {@code http} or {@code https}
     */
    public Peer(SocketAddress remote, SocketAddress local, String scheme) {
        this.remote = remote;
        this.local = local;
        this.scheme = scheme;
    }

    /** The client's address. */
    public SocketAddress remote() {
        return remote;
    }

    /** The server's address the client connected to. */
    public SocketAddress local() {
        return local;
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }
}
