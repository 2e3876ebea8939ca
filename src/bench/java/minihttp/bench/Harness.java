package minihttp.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmark harness: runs wrk against every server, each in a fresh process, and writes a Markdown comparison. */
@Command(name = "harness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares minihttp with raw Netty, reactor-netty, Vert.x, Undertow, ActiveJ, Rapidoid and nginx "
                + "under wrk "
                + "(TechEmpower plaintext), and rewrites bench-results.md and bench-results.svg.",
                "Build first: mvn -B -q -Pbench -DskipTests package"})
public final class Harness implements Callable<Integer> {

    static final String BUILD_BENCH = "mvn -B -q -Pbench -DskipTests package";

    /** Pause between warm-up and measurement. */
    static final long DRAIN_MILLIS = 1000;
    /** Process start and stop per run, for the time-left estimate until a run has been timed. */
    private static final long RUN_OVERHEAD_SECONDS = 2;
    /** Descriptors beyond the connections: the JVM's own files, the listening socket, pipes. */
    private static final int FD_HEADROOM = 256;
    private static final int DEFAULT_ROUNDS = 3;
    private static final int DEFAULT_WARMUP = 5;
    /**
     * Two warm-up runs, as TechEmpower's primer and warm-up: the first run's connections closing at its end
     * deoptimises JIT-compiled read paths of every JVM server, and the second lets them compile again before the
     * measured run rather than during it.
     */
    private static final int DEFAULT_WARMUP_RUNS = 2;
    private static final int DEFAULT_DURATION = 10;
    private static final int QUICK_ROUNDS = 1;
    private static final int QUICK_WARMUP = 1;
    private static final int QUICK_WARMUP_RUNS = 1;
    private static final int QUICK_DURATION = 2;
    /** Plain text without TLS or work: what each idle connection's one request asks for, on the usual threads. */
    private static final Scenario IDLE_SCENARIO = Scenario.ALL.stream()
            .filter(s -> s.name().equals(Scenario.SUMMARY_PLAIN)).findFirst().orElseThrow();
    private static final Pattern SHELL_SAFE = Pattern.compile("[\\w./:=,+<>@%-]+");

    @Option(names = "--quick", description = "Under two minutes: the two summary scenarios, 1 round, 1s warm-up, "
            + "2s runs; explicit --rounds/--warmup/--duration/--scenarios still win.")
    private boolean quick;
    @Option(names = "--rounds", description = "Rounds (default " + DEFAULT_ROUNDS + ").")
    private Integer rounds;
    @Option(names = "--warmup", description = "Unrecorded warm-up seconds per run (default " + DEFAULT_WARMUP + ").")
    private Integer warmup;
    @Option(names = "--warmup-runs", description = "Warm-up runs per run, each on new connections (default "
            + DEFAULT_WARMUP_RUNS + ").")
    private Integer warmupRuns;
    @Option(names = "--duration", description = "Measured seconds per run (default " + DEFAULT_DURATION + ").")
    private Integer duration;
    @Option(names = "--threads", defaultValue = "1",
            description = "Event loops (nginx: workers) of raw Netty and the peers (default: ${DEFAULT-VALUE}).")
    private int threads;
    @Option(names = "--loops", description = "Event loops of the multi-loop minihttp rows (default: cores).")
    private int loops = Runtime.getRuntime().availableProcessors();
    @Option(names = "--servers", split = ",", description = "Servers to run, by name (default: the standard rows; "
            + "the transport and TLS provider variants, e.g. minihttp-1-io_uring or raw-netty-jdk, when named).")
    private List<String> serverNames;
    @Option(names = "--scenarios", split = ",", description = "Scenarios to run, by name (default: all); "
            + Scenario.NONE + ": no wrk scenario, for --idle-connections alone.")
    private List<String> scenarioNames;
    @Option(names = "--idle-connections", paramLabel = "N", description = "Also measure what an idle keep-alive "
            + "connection costs each server, alone: N connections held open, RSS and live heap per connection, once "
            + "per round (default 0: not measured). Needs an open-file limit above N here and in the servers.")
    private int idleConnections;
    @Option(names = "--add-server", paramLabel = "NAME=MAIN_CLASS",
            description = "Also run a main class from --jar under this name, with --port and --threads.")
    private Map<String, String> extraServers = new LinkedHashMap<>();
    @Option(names = "--jar", defaultValue = "target/minihttp.jar", description = "minihttp's jar.")
    private Path jar;
    @Option(names = "--bench-jar", defaultValue = "target/minihttp-bench.jar",
            description = "The jar of this harness, the raw Netty baseline and the peers.")
    private Path benchJar;
    @Option(names = "--script", defaultValue = "lua/pipeline.lua", description = "wrk pipelining script.")
    private Path script;
    @Option(names = "--pin", paramLabel = "SERVER_CPUS:WRK_CPUS",
            description = "Pin the server and wrk to CPUs with taskset, e.g. 0:1 or 0-1:2-3 (either side may be empty).")
    private String pin;
    @Option(names = "--target", paramLabel = "HOST:PORT", description = "Load a server started by hand (e.g. on "
            + "another machine) instead of starting any: wrk's figures only, no CPU or memory.")
    private String target;
    @Option(names = "--output", defaultValue = "bench-results.md",
            description = "Markdown report; the chart goes beside it as .svg (default: ${DEFAULT-VALUE}).")
    private Path output;

    private final String[] args;
    private Wrk wrk;
    private ServerCatalog catalog;
    private int roundCount;
    private int warmupSeconds;
    private int warmupRunCount;
    private int durationSeconds;
    private Pinning pinning = Pinning.NONE;
    /** Raw Netty, the peers and nginx at one event loop per core, for the scenarios run at default threads. */
    private Map<String, ServerSpec> atDefaultThreads = Map.of();

    Harness(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Harness(args)).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Scenario> scenarios = scenarios(scenarioNames, quick);
        boolean runsWrk = scenarios == null || !scenarios.isEmpty();
        String wrkPath = findOnPath("wrk");
        if (wrkPath == null && runsWrk) {
            System.err.println("wrk is not on PATH; install it with: sudo apt-get install -y wrk "
                    + "(or build it from https://github.com/wg/wrk)");
            return 2;
        }
        for (Path required : runsWrk ? List.of(jar, benchJar, script) : List.of(jar, benchJar)) {
            if (!Files.isRegularFile(required)) {
                System.err.println(required + " not found; run from the repository root, after building with: "
                        + BUILD_BENCH);
                return 2;
            }
        }
        RemoteServer remote;
        try {
            pinning = pin == null ? Pinning.NONE : Pinning.parse(pin);
            remote = target == null ? null : RemoteServer.parse(target);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (remote != null && (serverNames != null || !extraServers.isEmpty())) {
            System.err.println("--target loads the server started by hand; --servers and --add-server do not apply");
            return 2;
        }
        if (pinning.any() && findOnPath("taskset") == null) {
            System.err.println("--pin needs taskset (apt-get install -y util-linux)");
            return 2;
        }
        roundCount = pick(rounds, QUICK_ROUNDS, DEFAULT_ROUNDS);
        warmupSeconds = pick(warmup, QUICK_WARMUP, DEFAULT_WARMUP);
        warmupRunCount = warmupSeconds > 0 ? pick(warmupRuns, QUICK_WARMUP_RUNS, DEFAULT_WARMUP_RUNS) : 0;
        durationSeconds = pick(duration, QUICK_DURATION, DEFAULT_DURATION);
        wrk = new Wrk(wrkPath, script, pinning);
        catalog = new ServerCatalog(jar, benchJar, threads, loops, extraServers);
        List<ServerSpec> defaults = catalog.standard(threads);
        List<ServerSpec> known = new ArrayList<>(defaults);
        known.addAll(catalog.variants());
        atDefaultThreads = catalog.standard(loops).stream().collect(Collectors.toMap(ServerSpec::name, s -> s, (a, b) -> a));
        List<ServerSpec> servers = remote != null ? List.of(remote)
                : serverNames == null ? defaults : select(known, ServerSpec::name, serverNames);
        String idleProblem = scenarios == null ? null : idleProblem(idleConnections, scenarios, remote != null);
        if (idleProblem != null) {
            System.err.println(idleProblem);
            return 2;
        }
        boolean uniqueNames = known.stream().map(ServerSpec::name).distinct().count() == known.size();
        if (servers == null || scenarios == null || !uniqueNames || roundCount < 1 || durationSeconds < 1
                || warmupSeconds < 0 || warmupRunCount < 0 || threads < 1 || loops < 1) {
            System.err.println("bad options: --servers takes distinct names from " + known.stream()
                    .map(ServerSpec::name).toList() + ", --scenarios from " + Scenario.ALL.stream()
                    .map(Scenario::name).toList() + " or " + Scenario.NONE + "; --rounds, --duration, --threads, "
                    + "--loops at least 1, --warmup and --warmup-runs at least 0");
            return 2;
        }
        // Ctrl-C must not leave a server or wrk running behind the harness.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly)));

        Results results = new Results(scenarios, servers.stream().map(ServerSpec::name).toList(), roundCount);
        List<ServerSpec> runnable = new ArrayList<>();
        for (ServerSpec server : servers) {
            String why = server.unavailable();
            if (why == null) {
                runnable.add(server);
            } else {
                System.err.println("skipping " + server.name() + ": " + why);
                scenarios.forEach(s -> results.unsupported(s.name(), server.name(), why));
                results.unsupported(Results.IDLE, server.name(), why);
            }
        }
        String fdLimit = checkHostLimits(scenarios);
        int failed = run(runnable, scenarios, results);
        if (idleConnections > 0) {
            failed += runIdle(runnable, results);
        }

        // Without a wrk scenario there is nothing to chart: the chart of an earlier run stays.
        Path chart = runsWrk ? output.resolveSibling(output.getFileName().toString().replaceFirst("\\.md$", "")
                + ".svg") : null;
        if (chart != null) {
            Files.writeString(chart, BenchReport.chart(results), StandardCharsets.UTF_8);
        }
        String report = BenchReport.markdown(Machine.detect(wrk.version()),
                setup(servers, scenarios, fdLimit, chart == null ? null : chart.getFileName().toString(), remote),
                results);
        Files.writeString(output, report, StandardCharsets.UTF_8);
        System.out.print(report);
        System.err.printf("wrote %s%s (%d run(s) failed)%n", output, chart == null ? "" : " and " + chart, failed);
        return failed == 0 ? 0 : 1;
    }

    /** Every round, every scenario, every server; returns the number of runs that failed once started. */
    private int run(List<ServerSpec> servers, List<Scenario> scenarios, Results results) throws InterruptedException {
        int total = roundCount * scenarios.size() * servers.size();
        int done = 0;
        int failed = 0;
        long started = System.nanoTime();
        for (int round = 0; round < roundCount; round++) {
            List<ServerSpec> order = order(servers, round);
            for (Scenario scenario : scenarios) {
                for (ServerSpec server : order) {
                    done++;
                    if (results.isUnsupported(scenario.name(), server.name())) {
                        continue;
                    }
                    System.err.printf("[%d/%d] round %d/%d, %s, %s (%s left)%n", done, total, round + 1,
                            roundCount, scenario.name(), server.name(), timeLeft(started, done - 1, total));
                    try {
                        Measurement m = measure(server, scenario);
                        results.put(scenario.name(), server.name(), round, m);
                        System.err.printf("      %s req/s, p50 %s, p99 %s, socket errors %d, non-2xx %d, "
                                        + "%.2f CPU us/req (GC + JIT %.2f, kernel %.2f), peak RSS %d MiB%n",
                                BenchReport.requests(m.wrk().requestsPerSecond()),
                                WrkResult.formatMicros(m.wrk().p50Micros()),
                                WrkResult.formatMicros(m.wrk().p99Micros()),
                                m.wrk().socketErrors(), m.wrk().non2xx(), m.cpuMicrosPerRequest(),
                                m.runtimeMicrosPerRequest(), m.kernelMicrosPerRequest(), m.peakRssKb() / 1024);
                    } catch (UnsupportedOperationException e) {
                        results.unsupported(scenario.name(), server.name(), "n/a: " + e.getMessage());
                        System.err.println("      n/a: " + e.getMessage());
                    } catch (ServerProcess.StartFailure e) {
                        // E.g. a flag this build does not have yet (--tls, --reuseport): a row of n/a, not a crash.
                        results.unsupported(scenario.name(), server.name(), "n/a: did not start: " + e.firstLine());
                        System.err.println("      n/a, did not start: " + e.firstLine());
                    } catch (IOException | IllegalArgumentException e) {
                        failed++;
                        results.note(scenario.name(), server.name(), "round " + (round + 1) + " failed: "
                                + e.getMessage().lines().findFirst().orElse(""));
                        System.err.println("      FAILED: " + e.getMessage());
                    }
                }
            }
        }
        return failed;
    }

    /** The servers in a round's order. */
    private static List<ServerSpec> order(List<ServerSpec> servers, int round) {
        List<ServerSpec> order = new ArrayList<>(servers);
        if (round % 2 == 1) {
            // Alternating the order cancels any advantage of going first or last within a round.
            Collections.reverse(order);
        }
        return order;
    }

    /**
     * Every round, every server started alone for the idle connections, in the scenarios' order; returns the number
     * of measurements that failed once started.
     */
    private int runIdle(List<ServerSpec> servers, Results results) throws InterruptedException {
        int failed = 0;
        for (int round = 0; round < roundCount; round++) {
            for (ServerSpec server : order(servers, round)) {
                if (results.isUnsupported(Results.IDLE, server.name())) {
                    continue;
                }
                System.err.printf("round %d/%d, %,d idle connections, %s%n", round + 1, roundCount, idleConnections,
                        server.name());
                try {
                    IdleCost cost = measureIdle(server);
                    results.putIdle(server.name(), round, cost);
                    System.err.printf("      RSS %s, live heap %s per connection%n",
                            BenchReport.bytes(cost.rssBytesPerConnection()),
                            cost.hasLiveHeap() ? BenchReport.bytes(cost.liveHeapBytesPerConnection()) : "-");
                } catch (ServerProcess.StartFailure e) {
                    results.unsupported(Results.IDLE, server.name(), "n/a: did not start: " + e.firstLine());
                    System.err.println("      n/a, did not start: " + e.firstLine());
                } catch (IOException | IllegalArgumentException e) {
                    failed++;
                    results.note(Results.IDLE, server.name(), "round " + (round + 1) + " failed: "
                            + e.getMessage().lines().findFirst().orElse(""));
                    System.err.println("      FAILED: " + e.getMessage());
                }
            }
        }
        return failed;
    }

    /** One server's idle connections; the PID the harness reads is the server's own, as FdLimit and taskset exec. */
    private IdleCost measureIdle(ServerSpec server) throws IOException, InterruptedException {
        return withServer(server, IDLE_SCENARIO, (process, port) -> {
            IdleCost cost = IdleConnections.measure(port, process.handle(), idleConnections);
            process.checkAlive();
            if (server instanceof JavaServer && !cost.hasLiveHeap()) {
                throw new IOException("PID " + process.handle().pid() + " is not the server's JVM but "
                        + process.handle().info().command().orElse("unknown") + ": no live heap to read");
            }
            return cost;
        });
    }

    private Measurement measure(ServerSpec server, Scenario scenario) throws IOException, InterruptedException {
        if (server instanceof RemoteServer remote) {
            String url = scenario.url(remote.hostAndPort());
            warmUp(scenario, url);
            return Measurement.clientOnly(wrk.run(scenario, durationSeconds, url, true));
        }
        if (scenario.defaultThreads()) {
            server = atDefaultThreads.getOrDefault(server.name(), server);
        }
        return withServer(server, scenario, (process, port) -> {
            String url = scenario.url("127.0.0.1:" + port);
            warmUp(scenario, url);
            ProcStats.Sample before = ProcStats.sample(process.handle());
            WrkResult result = wrk.run(scenario, durationSeconds, url, true);
            ProcStats.Sample after = ProcStats.sample(process.handle());
            process.checkAlive();
            long ticksPerSecond = ProcStats.CLOCK_TICKS_PER_SECOND;
            long requests = result.requests();
            return new Measurement(result,
                    Measurement.cpuMicrosPerRequest(after.cpuTicks() - before.cpuTicks(), ticksPerSecond, requests),
                    Measurement.cpuMicrosPerRequest(after.runtimeTicksSince(before), ticksPerSecond, requests),
                    Measurement.cpuMicrosPerRequest(after.systemTicks() - before.systemTicks(), ticksPerSecond,
                            requests),
                    after.peakRssKb());
        });
    }

    /** What is done with a server once it is ready: a wrk run, or the idle connections. */
    @FunctionalInterface
    private interface ServerTask<T> {
        T run(ServerProcess process, int port) throws IOException, InterruptedException;
    }

    /**
     * Starts {@code server} for {@code scenario} as a fresh process on a free port, with the open-file limit raised
     * and pinned as asked, runs {@code task} once it is ready, then stops it and removes its scratch directory.
     */
    private <T> T withServer(ServerSpec server, Scenario scenario, ServerTask<T> task)
            throws IOException, InterruptedException {
        int port = freePort();
        Path scratch = Files.createTempDirectory("minihttp-bench-");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = FdLimit.wrap(pinning.server(server.command(java, port, scenario, scratch)));
            try (ServerProcess process = ServerProcess.start(server.name(), command, server.printsReadyLine(),
                    port)) {
                return task.run(process, port);
            }
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private void warmUp(Scenario scenario, String url) throws IOException, InterruptedException {
        for (int i = 0; i < warmupRunCount; i++) {
            // A cold server may answer nothing yet: only the measured run has to see responses.
            wrk.run(scenario, warmupSeconds, url, false);
            // wrk quits with a pipelined batch in flight on every connection; let the server finish
            // those before the window opens, or a cold server spends the window's start on them.
            Thread.sleep(DRAIN_MILLIS);
        }
    }






    /**
     * The scenarios {@code --scenarios} names, in table order: none for {@value Scenario#NONE}, {@code --quick}'s or
     * all of them when it is not given; null if a name is unknown.
     */
    static List<Scenario> scenarios(List<String> names, boolean quick) {
        if (List.of(Scenario.NONE).equals(names)) {
            return List.of();
        }
        return select(Scenario.ALL, Scenario::name, names == null && quick ? Scenario.QUICK : names);
    }

    /** What is wrong with {@code --idle-connections} beside the scenarios and {@code --target}, or null. */
    static String idleProblem(int idleConnections, List<Scenario> scenarios, boolean target) {
        if (idleConnections < 0) {
            return "--idle-connections takes a number of connections, 0 (the default) for none";
        }
        if (idleConnections > 0 && target) {
            return "--idle-connections reads the memory of servers the harness starts; --target's is not one";
        }
        if (idleConnections == 0 && scenarios.isEmpty()) {
            return "--scenarios " + Scenario.NONE + " leaves nothing to run without --idle-connections";
        }
        return null;
    }

    /** The rows named, in table order; all of them when no names were given; null if a name is unknown. */
    private static <T> List<T> select(List<T> rows, Function<T, String> name, List<String> wanted) {
        if (wanted == null) {
            return rows;
        }
        List<T> selected = rows.stream().filter(row -> wanted.contains(name.apply(row))).toList();
        return selected.size() == Set.copyOf(wanted).size() ? selected : null;
    }

    /**
     * Warns of host limits that the largest scenario or the idle connections would hit; returns the sentence for
     * the report.
     */
    private String checkHostLimits(List<Scenario> scenarios) throws InterruptedException {
        long limit = FdLimit.effective();
        int most = Math.max(idleConnections, scenarios.stream().mapToInt(Scenario::connections).max().orElse(0));
        if (limit >= 0 && limit < most + FD_HEADROOM) {
            System.err.printf("warning: open-file limit %d is too low for %d connections; expect socket errors "
                    + "(raise the hard limit: ulimit -Hn)%n", limit, most);
        }
        String ports = PortRange.check(most);
        if (ports != null) {
            System.err.println("warning: " + ports);
        }
        // The harness holds the idle connections itself, so its own limit counts too; no exec can raise it.
        long own = idleConnections > 0 ? FdLimit.own() : -1;
        if (own >= 0 && own < idleConnections + FD_HEADROOM) {
            System.err.printf("warning: the harness's open-file limit %d is too low to hold %d idle connections; "
                    + "expect 'Too many open files' (raise it first: ulimit -n %d)%n", own, idleConnections,
                    idleConnections + FD_HEADROOM);
        }
        return "wrk and every server run with the open-file soft limit raised to " + FdLimit.WANTED
                + " or to the hard limit when lower (here: " + (limit < 0 ? "unknown" : limit) + ")."
                + (idleConnections > 0 ? " The harness, which holds the idle connections, had a limit of "
                + (own < 0 ? "unknown" : own) + "." : "")
                + (ports == null ? "" : " Warning: " + ports + ".");
    }

    private BenchReport.Setup setup(List<ServerSpec> servers, List<Scenario> scenarios, String fdLimit,
            String chartFile, RemoteServer remote) throws InterruptedException {
        Map<String, String> wrkCommands = new LinkedHashMap<>();
        String hostAndPort = remote != null ? remote.hostAndPort() : "127.0.0.1:<port>";
        scenarios.forEach(s -> wrkCommands.put(s.name(), shell(wrk.shown(s, durationSeconds, s.url(hostAndPort)))));
        Map<String, String> serverCommands = new LinkedHashMap<>();
        Map<String, String> serverNotes = new LinkedHashMap<>();
        for (ServerSpec s : servers) {
            serverCommands.put(s.name(), (s instanceof RemoteServer ? "" : shell(pinning.server(List.of()))
                    + (pinning.serverCpus().isEmpty() ? "" : " ")) + s.shown());
            if (s.note() != null) {
                serverNotes.put(s.name(), s.note());
            }
        }
        String setupNotes = fdLimit + (pinning.any() ? " " + pinning.describe() : "")
                + (remote != null ? " The server under test runs elsewhere (" + remote.hostAndPort()
                + "), started by hand; wrk runs here." : "");
        String nginxConfig = servers.stream().anyMatch(s -> s instanceof NginxServer)
                ? NginxServer.config(0, threads, Path.of("<dir>")).replace(":0 ", ":<port> ") : null;
        String harness = "java -jar " + benchJar + " " + shell(Arrays.asList(args));
        return new BenchReport.Setup(harness.strip(), wrkCommands, serverCommands, serverNotes, ServerCatalog.BASELINE,
                warmupRunCount, warmupSeconds, durationSeconds, setupNotes, nginxConfig, chartFile,
                catalog.seedRows(servers), loops, idleConnections,
                IdleConnections.command(benchJar.toString(), "<port>", "<pid>", Integer.toString(idleConnections)));
    }


    private int pick(Integer explicit, int quickValue, int defaultValue) {
        return explicit != null ? explicit : quick ? quickValue : defaultValue;
    }

    private String timeLeft(long startedNanos, int done, int total) {
        Duration perRun = done > 0
                ? Duration.ofNanos((System.nanoTime() - startedNanos) / done)
                : Duration.ofSeconds((long) warmupRunCount * warmupSeconds + durationSeconds + RUN_OVERHEAD_SECONDS)
                        .plusMillis(warmupRunCount * DRAIN_MILLIS);
        Duration left = perRun.multipliedBy(total - done);
        return String.format("~%dm%02ds", left.toMinutes(), left.toSecondsPart());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }


    /** The executable's path from PATH, or null. */
    static String findOnPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst().orElse(null);
    }


    private static String shell(List<String> command) {
        return command.stream()
                .map(arg -> SHELL_SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
