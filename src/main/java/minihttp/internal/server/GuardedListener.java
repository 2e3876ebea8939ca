package minihttp.internal.server;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import minihttp.http.HttpStatus;
import minihttp.observe.Exchange;
import minihttp.observe.HttpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's listener, whose failures are its own: a listener that throws must not drop a response, reset a
 * connection or blame the service. Each failure is caught and logged, the 1st, 2nd, 4th, 8th and so on, so that a
 * listener failing at every request cannot flood the log.
 */
public final class GuardedListener implements HttpListener {

    private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

    private final HttpListener listener;
    private final AtomicLong failures = new AtomicLong();

    private GuardedListener(HttpListener listener) {
        this.listener = listener;
    }

    /** {@code listener} guarded, or null for none. */
    public static HttpListener of(HttpListener listener) {
        return listener == null || listener instanceof GuardedListener ? listener : new GuardedListener(listener);
    }

    @Override
    public void connectionOpened(SocketAddress remote) {
        try {
            listener.connectionOpened(remote);
        } catch (Throwable e) {
            failed("connectionOpened", e);
        }
    }

    @Override
    public void connectionClosed(SocketAddress remote) {
        try {
            listener.connectionClosed(remote);
        } catch (Throwable e) {
            failed("connectionClosed", e);
        }
    }

    @Override
    public void exchange(Exchange exchange) {
        try {
            listener.exchange(exchange);
        } catch (Throwable e) {
            failed("exchange", e);
        }
    }

    @Override
    public void decodeError(SocketAddress remote, HttpStatus status, String message) {
        try {
            listener.decodeError(remote, status, message);
        } catch (Throwable e) {
            failed("decodeError", e);
        }
    }

    private void failed(String callback, Throwable e) {
        if (e instanceof VirtualMachineError fatal) {
            throw fatal; // out of memory, a stack overflow: not the listener's alone. A LinkageError is the listener's.
        }
        long count = failures.incrementAndGet();
        if (Long.bitCount(count) == 1) {
            log.warn("listener {} failed in {} (failure {}; logged at powers of two)", listener, callback, count, e);
        }
    }
}
