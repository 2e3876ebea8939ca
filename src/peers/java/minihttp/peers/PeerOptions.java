package minihttp.peers;

import picocli.CommandLine.Option;

/** The command line every peer server shares with minihttp's: {@code --host}, {@code --port}, {@code --threads}. */
final class PeerOptions {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--threads", defaultValue = "1",
            description = "Event loops (IO threads) (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--tls", description = "Serve HTTPS with a self-signed certificate for localhost (JDK provider).")
    boolean tls;

    /** Prints the line the benchmark harness waits for, in minihttp's format. */
    void ready(int boundPort, String transport) {
        System.out.printf("listening on %s://%s:%d (%d event loops, %s)%n", tls ? "https" : "http", host, boundPort,
                threads, transport);
        System.out.flush();
    }
}
