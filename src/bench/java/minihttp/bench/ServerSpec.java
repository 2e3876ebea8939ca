package minihttp.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A server the harness can compare: how to start it on a port, and whether it can run here at all. */
sealed interface ServerSpec permits JavaServer, NginxServer, RemoteServer {

    String name();

    /** Why it cannot run on this machine (a jar or binary missing, with what to do), or null when it can. */
    String unavailable();

    /**
     * The command that serves {@code scenario} on {@code port}; {@code scratch} is an empty directory for its files.
     * Throws {@link UnsupportedOperationException} for a scenario it does not support (such as TLS or /work).
     */
    List<String> command(String java, int port, Scenario scenario, Path scratch) throws IOException;

    /** The command with placeholders, for the report. */
    String shown();

    /** Where it departs from TechEmpower's rules or from the other servers' setup, for the report; null if nowhere. */
    default String note() {
        return null;
    }

    /** Whether it prints minihttp's "listening on" line; otherwise it is ready once its port accepts. */
    boolean printsReadyLine();
}
