package minihttp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The servers the harness knows: the standard rows in table order, the variants it runs only when named, and the
 * rows of futures-minihttp's table.
 */
final class ServerCatalog {

    static final String BASELINE = "raw-netty";
    /** minihttp on one loop with the simple pipeline (--pipeline simple), beside minihttp-1. */
    static final String SIMPLE = "minihttp-1-simple";
    private static final String BUILD = "mvn -B -q -DskipTests package";
    static final String ACTIVEJ_NOTE = "ActiveJ adds `Connection: keep-alive` to every response (TechEmpower "
            + "allows it); at more than one loop a primary loop (one more thread) accepts and hands connections to the "
            + "worker loops, as ActiveJ's multithreaded launcher does; TLS handshake tasks run on one extra thread";
    static final String RAPIDOID_NOTE = "Rapidoid writes its own Server and Date headers; an acceptor thread of its "
            + "own hands connections to the --threads I/O workers; TLS is Rapidoid's own engine on the JDK's "
            + "SSLEngine";

    private final Path jar;
    private final Path benchJar;
    /** The event loops of the scenarios' rows ({@code --threads}) and of the multi-loop rows ({@code --loops}). */
    private final int threads;
    private final int loops;
    /** {@code --add-server}: name to main class, in minihttp's jar. */
    private final Map<String, String> extraServers;

    ServerCatalog(Path jar, Path benchJar, int threads, int loops, Map<String, String> extraServers) {
        this.jar = jar;
        this.benchJar = benchJar;
        this.threads = threads;
        this.loops = loops;
        this.extraServers = extraServers;
    }

    /** The servers, in table order, with raw Netty, the peers and nginx at {@code peerThreads} event loops. */
    List<ServerSpec> standard(int peerThreads) {
        String t = Integer.toString(peerThreads);
        String n = Integer.toString(loops);
        List<ServerSpec> servers = new ArrayList<>(List.of(
                minihttp("minihttp-1", "--threads", "1"),
                minihttp(SIMPLE, "--threads", "1", "--pipeline", "simple"), // what batching and the rest are worth
                minihttp("minihttp-" + n, "--threads", n),
                minihttp("minihttp-" + n + "-reuseport", "--threads", n, "--reuseport"),
                bench(BASELINE, "minihttp.bench.RawNettyServer", "--threads", t).withWork(JavaServer.Work.OPTION),
                bench("reactor-netty", "minihttp.peers.ReactorNettyServer", "--threads", t),
                bench("vertx", "minihttp.peers.VertxServer", "--threads", t),
                bench("undertow", "minihttp.peers.UndertowServer", "--threads", t),
                bench("activej", "minihttp.peers.ActiveJServer", "--threads", t).withNote(ACTIVEJ_NOTE),
                bench("rapidoid", "minihttp.peers.RapidoidServer", "--threads", t).withNote(RAPIDOID_NOTE),
                new NginxServer("nginx", nginx(), peerThreads)));
        extraServers.forEach((name, mainClass) ->
                servers.add(new JavaServer(name, jar, BUILD, mainClass, List.of("--threads", t))));
        return servers;
    }

    /**
     * Configurations run only when named with {@code --servers}: minihttp and the baseline on each transport and
     * TLS provider, one event loop each, for the rows that compare those knobs.
     */
    List<ServerSpec> variants() {
        List<ServerSpec> servers = new ArrayList<>();
        for (String transport : List.of("epoll", "io_uring", "nio")) {
            servers.add(minihttp("minihttp-1-" + transport, "--threads", "1", "--transport", transport));
            servers.add(bench(BASELINE + "-" + transport, "minihttp.bench.RawNettyServer", "--threads", "1",
                    "--transport", transport).withWork(JavaServer.Work.OPTION));
        }
        for (String provider : List.of("openssl", "jdk")) {
            servers.add(minihttp("minihttp-1-" + provider, "--threads", "1", "--tls-provider", provider));
            servers.add(bench(BASELINE + "-" + provider, "minihttp.bench.RawNettyServer", "--threads", "1",
                    "--tls-provider", provider).withWork(JavaServer.Work.OPTION));
        }
        return servers;
    }

    /**
     * futures-minihttp's table, a row per server: minihttp's pipelined column is its default (one loop per core),
     * its single-thread column minihttp-1; the configurations fixed at one loop have only the single-thread column,
     * and the others only the pipelined one unless they run one loop in the other scenarios ({@code --threads 1}).
     */
    List<BenchReport.SeedRow> seedRows(List<ServerSpec> servers) {
        Set<String> names = servers.stream().map(ServerSpec::name).collect(Collectors.toSet());
        Set<String> singleLoop = variants().stream().map(ServerSpec::name).collect(Collectors.toSet());
        singleLoop.add(SIMPLE);
        String multi = "minihttp-" + loops;
        List<BenchReport.SeedRow> rows = new ArrayList<>();
        if (names.contains(multi) || names.contains("minihttp-1")) {
            rows.add(new BenchReport.SeedRow("minihttp", names.contains(multi) ? multi : null,
                    names.contains("minihttp-1") ? "minihttp-1" : null));
        }
        for (ServerSpec server : servers) {
            String name = server.name();
            if (name.equals(multi) || name.equals("minihttp-1") || name.equals(multi + "-reuseport")) {
                continue;
            }
            String label = name.equals(BASELINE) ? BASELINE + " (futures-minihttp's \"raw mio\")" : name;
            boolean fixedSingle = singleLoop.contains(name);
            rows.add(new BenchReport.SeedRow(label, fixedSingle ? null : name,
                    fixedSingle || threads == 1 || server instanceof RemoteServer ? name : null));
        }
        return rows;
    }

    /** minihttp's demo server, which serves the work scenarios' route. */
    private JavaServer minihttp(String name, String... args) {
        return new JavaServer(name, jar, BUILD, "minihttp.app.Main", List.of(args)).withWork(JavaServer.Work.ROUTE);
    }

    /** A server of the bench jar: the baseline or a peer. */
    private JavaServer bench(String name, String mainClass, String... args) {
        return new JavaServer(name, benchJar, Harness.BUILD_BENCH, mainClass, List.of(args));
    }

    private static String nginx() {
        String onPath = Harness.findOnPath("nginx");
        if (onPath != null) {
            return onPath;
        }
        // Debian installs it in /usr/sbin, which a non-root PATH may lack.
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : null;
    }
}
