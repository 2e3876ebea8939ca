package minihttp.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A server the harness can compare: how to start it on a port, and whether it can run here at all. */
sealed interface ServerSpec permits JavaServer, NginxServer {

    String name();

    /** Why it cannot run on this machine (a jar or binary missing, with what to do), or null when it can. */
    String unavailable();

    /**
     * The command that serves plaintext on {@code port}; {@code scratch} is an empty directory for its files.
     * Throws {@link UnsupportedOperationException} for a configuration it does not support (such as TLS).
     */
    List<String> command(String java, int port, boolean tls, Path scratch) throws IOException;

    /** The command with placeholders, for the report. */
    String shown();

    /** Whether it prints minihttp's "listening on" line; otherwise it is ready once its port accepts. */
    boolean printsReadyLine();
}
