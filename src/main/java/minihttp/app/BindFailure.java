package minihttp.app;

import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/** A server that could not start, told in one line: what failed and where, without a stack trace. */
final class BindFailure {

    private BindFailure() {}

    /** {@code cannot listen on 127.0.0.1:8080: address already in use}, or the like. */
    static String describe(Throwable failure, String host, int port, Integer tlsPort) {
        String where = host + ":" + (tlsPort == null ? Integer.toString(port) : port + " or " + tlsPort);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (t instanceof BindException || message.contains("address already in use")) {
                return "cannot listen on " + where + ": " + (message.contains("in use") ? "address already in use"
                        : message.contains("assign") ? "address not available here" : message);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "cannot listen on " + where + ": unknown host " + host;
            }
            if (message.contains("cannot assign requested address")) {
                return "cannot listen on " + where + ": address not available here";
            }
            if (message.contains("permission denied")) {
                return "cannot listen on " + where + ": permission denied";
            }
        }
        String message = failure.getMessage();
        return "cannot start on " + where + ": " + (message != null ? message : failure.getClass().getSimpleName());
    }
}
