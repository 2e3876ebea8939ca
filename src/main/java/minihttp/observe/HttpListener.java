package minihttp.observe;

import java.net.SocketAddress;
import java.util.List;
import java.util.function.Consumer;
import minihttp.http.HttpStatus;
import reactor.core.Exceptions;

/**
 * Hears what a server does, on its event loops or the thread that completed a response: keep each call short and
 * never block. Every method does nothing by default. With no listener set, the server does no work for one.
 */
public interface HttpListener {

    /**
     * A connection was accepted.
     *
     * @param remote the client's address
     */
    default void connectionOpened(SocketAddress remote) {}

    /**
     * A connection closed.
     *
     * @param remote the client's address
     */
    default void connectionClosed(SocketAddress remote) {}

    /**
     * A request was answered: its response was encoded for sending.
     *
     * @param exchange the request and its response
     */
    default void exchange(Exchange exchange) {}

    /**
     * Bytes that are not a valid request, or a request that did not arrive in time (408), were answered with an
     * error status, and the connection closes.
     *
     * @param remote the client's address
     * @param status the status answered
     * @param message what was wrong
     */
    default void decodeError(SocketAddress remote, HttpStatus status, String message) {}

    /**
     * Several listeners as one, called in order; one that throws does not keep the others from being called, and
     * the first failure is thrown once all have been.
     *
     * @param listeners the listeners
     * @return a listener that calls each of them
     */
    static HttpListener all(List<HttpListener> listeners) {
        List<HttpListener> copy = List.copyOf(listeners);
        if (copy.size() == 1) {
            return copy.get(0);
        }
        return new HttpListener() {
            @Override
            public void connectionOpened(SocketAddress remote) {
                each(copy, l -> l.connectionOpened(remote));
            }

            @Override
            public void connectionClosed(SocketAddress remote) {
                each(copy, l -> l.connectionClosed(remote));
            }

            @Override
            public void exchange(Exchange exchange) {
                each(copy, l -> l.exchange(exchange));
            }

            @Override
            public void decodeError(SocketAddress remote, HttpStatus status, String message) {
                each(copy, l -> l.decodeError(remote, status, message));
            }
        };
    }

    private static void each(List<HttpListener> listeners, Consumer<HttpListener> call) {
        Throwable first = null;
        for (HttpListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (Throwable e) { // an Error, or a checked exception thrown undeclared, too
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw Exceptions.propagate(first);
        }
    }
}
