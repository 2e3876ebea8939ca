package minihttp.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code --target host:port}: a server started by hand, possibly on another machine, so that wrk and the server do
 * not share cores. The harness starts nothing and measures only what wrk sees: no CPU or memory figures.
 */
record RemoteServer(String host, int port) implements ServerSpec {

    static final String NAME = "target";

    /** Parses {@code host:port} (an IPv6 host in brackets); throws IllegalArgumentException with what is wrong. */
    static RemoteServer parse(String option) {
        int colon = option.lastIndexOf(':');
        String host = colon > 0 ? option.substring(0, colon) : "";
        int port;
        try {
            port = Integer.parseInt(option.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("--target takes host:port, e.g. 192.168.1.20:8080, not " + option);
        }
        return new RemoteServer(host, port);
    }

    String hostAndPort() {
        return host + ":" + port;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String unavailable() {
        return null;
    }

    @Override
    public List<String> command(String java, int port, Scenario scenario, Path scratch) {
        throw new UnsupportedOperationException("the target is started by hand");
    }

    @Override
    public String shown() {
        return "started by hand at " + hostAndPort();
    }

    @Override
    public String note() {
        return "not started by the harness: wrk's figures only, no CPU time or memory; it must serve /plaintext "
                + "(and /work?us=N for the work scenarios, as minihttp does)";
    }

    @Override
    public boolean printsReadyLine() {
        return false;
    }
}
