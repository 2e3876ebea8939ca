package minihttp.server;

import java.util.Arrays;
import java.util.stream.Stream;

/** Parameter sources for tests that run on every transport, and every TLS engine, that this machine has. */
final class TestTransports {

    private TestTransports() {}

    /** The transports available here; nio always is, epoll and io_uring where their native libraries load. */
    static Stream<Transport> available() {
        Arrays.stream(Transport.values()).filter(t -> !t.isAvailable()).forEach(t ->
                System.err.println("transport " + t + " not available here, not tested: " + t.unavailabilityCause()));
        return Arrays.stream(Transport.values()).filter(Transport::isAvailable);
    }

    /** The TLS engines available here: the JDK always, OpenSSL where netty-tcnative loads. */
    static Stream<Tls.Provider> tlsProviders() {
        return Stream.of(Tls.Provider.OPENSSL, Tls.Provider.JDK).filter(p -> {
            try {
                p.resolve();
                return true;
            } catch (IllegalStateException unavailable) {
                System.err.println("TLS provider " + p + " not available here, not tested: " + unavailable);
                return false;
            }
        });
    }
}
