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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmark harness: runs wrk against every server, each in a fresh process, and writes a Markdown comparison. */
@Command(name = "harness", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compares minihttp with a bare Netty baseline under wrk (TechEmpower plaintext).")
public final class Harness implements Callable<Integer> {

    private static final String BASELINE = "raw-netty";

    /** A server under test; {java}, {jar}, {port} and {threads} in its command are filled in for each run. */
    record Server(String name, List<String> command) {
        static Server java(String name, String mainClass) {
            return new Server(name,
                    List.of("{java}", "-cp", "{jar}", mainClass, "--port", "{port}", "--threads", "{threads}"));
        }

        List<String> commandFor(Map<String, String> values) {
            return command.stream().map(arg -> {
                for (Map.Entry<String, String> e : values.entrySet()) {
                    arg = arg.replace("{" + e.getKey() + "}", e.getValue());
                }
                return arg;
            }).toList();
        }
    }

    /** The servers compared, in table order: add a row to compare another (reactor-netty, Vert.x, nginx...). */
    private static final List<Server> SERVERS = List.of(
            Server.java("minihttp", "minihttp.app.Main"),
            Server.java(BASELINE, "minihttp.bench.RawNettyServer"));

    /** A wrk load on /plaintext; a pipeline depth of 0 sends one request per write. */
    record Scenario(String name, int connections, int pipelineDepth) {}

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("pipelined", 256, 16),
            new Scenario("plain", 64, 0));

    /** What TechEmpower's plaintext test sends, so the parsers do the same work as there. */
    private static final List<String> TECHEMPOWER_HEADERS = List.of(
            "Host: localhost",
            "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7",
            "Connection: keep-alive");
    private static final String WRK_THREADS = "1";
    /** wrk stops itself after -d; this only bounds a wrk that hangs. */
    private static final long WRK_GRACE_SECONDS = 30;
    /** JVM start and stop per run, for the time-left estimate until a run has been timed. */
    private static final long RUN_OVERHEAD_SECONDS = 2;
    private static final int DEFAULT_ROUNDS = 5;
    private static final int DEFAULT_WARMUP = 5;
    private static final int DEFAULT_DURATION = 10;
    private static final int QUICK_ROUNDS = 1;
    private static final int QUICK_WARMUP = 2;
    private static final int QUICK_DURATION = 3;
    private static final Pattern SHELL_SAFE = Pattern.compile("[\\w./:=,+<>@%-]+");

    @Option(names = "--rounds", description = "Rounds (default " + DEFAULT_ROUNDS + ", quick " + QUICK_ROUNDS + ").")
    private Integer rounds;
    @Option(names = "--warmup", description = "Unrecorded warm-up seconds per run (default " + DEFAULT_WARMUP
            + ", quick " + QUICK_WARMUP + ").")
    private Integer warmup;
    @Option(names = "--duration", description = "Measured seconds per run (default " + DEFAULT_DURATION
            + ", quick " + QUICK_DURATION + ").")
    private Integer duration;
    @Option(names = "--quick", description = "A short pass; explicit --rounds/--warmup/--duration still win.")
    private boolean quick;
    @Option(names = "--threads", defaultValue = "1", description = "Event loops per server (default: 1).")
    private int threads;
    @Option(names = "--servers", split = ",", description = "Servers to run, by name (default: all).")
    private List<String> serverNames;
    @Option(names = "--add-server", paramLabel = "NAME=MAIN_CLASS",
            description = "Also run a Java main class from the jar under this name.")
    private Map<String, String> extraServers = new LinkedHashMap<>();
    @Option(names = "--scenarios", split = ",", description = "Scenarios to run: pipelined, plain (default: all).")
    private List<String> scenarioNames;
    @Option(names = "--jar", defaultValue = "target/minihttp.jar", description = "Jar the servers run from.")
    private Path jar;
    @Option(names = "--script", defaultValue = "lua/pipeline.lua", description = "wrk pipelining script.")
    private Path script;
    @Option(names = "--output", defaultValue = "bench-results.md", description = "Markdown report to write.")
    private Path output;

    private final String[] args;
    private String wrk;
    private int roundCount;
    private int warmupSeconds;
    private int durationSeconds;

    private Harness(String[] args) {
        this.args = args;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Harness(args)).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        wrk = findOnPath("wrk");
        if (wrk == null) {
            System.err.println("wrk is not on PATH; install it with: apt-get install -y wrk");
            return 2;
        }
        for (Path required : List.of(jar, script)) {
            if (!Files.isRegularFile(required)) {
                System.err.println(required + " not found; run from the repository root, after building with: "
                        + "mvn -B -q -DskipTests package");
                return 2;
            }
        }
        roundCount = pick(rounds, QUICK_ROUNDS, DEFAULT_ROUNDS);
        warmupSeconds = pick(warmup, QUICK_WARMUP, DEFAULT_WARMUP);
        durationSeconds = pick(duration, QUICK_DURATION, DEFAULT_DURATION);
        List<Server> known = new ArrayList<>(SERVERS);
        extraServers.forEach((name, mainClass) -> known.add(Server.java(name, mainClass)));
        List<Server> servers = select(known, Server::name, serverNames);
        List<Scenario> scenarios = select(SCENARIOS, Scenario::name, scenarioNames);
        boolean uniqueNames = known.stream().map(Server::name).distinct().count() == known.size();
        if (servers == null || scenarios == null || !uniqueNames || roundCount < 1 || durationSeconds < 1
                || warmupSeconds < 0) {
            System.err.println("bad options: --servers takes distinct names from " + known.stream().map(Server::name)
                    .toList() + ", --scenarios from " + SCENARIOS.stream().map(Scenario::name).toList()
                    + "; --rounds and --duration at least 1, --warmup at least 0");
            return 2;
        }
        // Ctrl-C must not leave a server or wrk running behind the harness.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroyForcibly)));

        Map<String, Map<String, WrkResult[]>> runs = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            Map<String, WrkResult[]> byServer = new LinkedHashMap<>();
            servers.forEach(server -> byServer.put(server.name(), new WrkResult[roundCount]));
            runs.put(scenario.name(), byServer);
        }
        int total = roundCount * scenarios.size() * servers.size();
        int done = 0;
        int failed = 0;
        long started = System.nanoTime();
        for (int round = 0; round < roundCount; round++) {
            List<Server> order = new ArrayList<>(servers);
            if (round % 2 == 1) {
                // Alternating the order cancels any advantage of going first or last within a round.
                Collections.reverse(order);
            }
            for (Scenario scenario : scenarios) {
                for (Server server : order) {
                    System.err.printf("[%d/%d] round %d/%d, %s, %s (%s left)%n", done + 1, total, round + 1,
                            roundCount, scenario.name(), server.name(), timeLeft(started, done, total));
                    try {
                        WrkResult result = measure(server, scenario);
                        runs.get(scenario.name()).get(server.name())[round] = result;
                        System.err.printf("      %s req/s, p50 %s, p99 %s, socket errors %d, non-2xx %d%n",
                                BenchReport.requests(result.requestsPerSecond()),
                                WrkResult.formatMicros(result.p50Micros()), WrkResult.formatMicros(result.p99Micros()),
                                result.socketErrors(), result.non2xx());
                    } catch (IOException | IllegalArgumentException e) {
                        failed++;
                        System.err.println("      FAILED: " + e.getMessage());
                    }
                    done++;
                }
            }
        }

        String report = BenchReport.render(setup(servers, scenarios), runs);
        Files.writeString(output, report, StandardCharsets.UTF_8);
        System.out.print(report);
        System.err.printf("wrote %s (%d of %d runs failed)%n", output, failed, total);
        return failed == 0 ? 0 : 1;
    }

    private WrkResult measure(Server server, Scenario scenario) throws IOException, InterruptedException {
        String port = Integer.toString(freePort());
        List<String> command = server.commandFor(placeholders(port));
        try (ServerProcess process = ServerProcess.start(server.name(), command)) {
            String url = "http://127.0.0.1:" + port + "/plaintext";
            if (warmupSeconds > 0) {
                runWrk(wrkCommand(wrk, scenario, warmupSeconds, url), warmupSeconds);
            }
            WrkResult result = runWrk(wrkCommand(wrk, scenario, durationSeconds, url), durationSeconds);
            process.checkAlive();
            return result;
        }
    }

    private static WrkResult runWrk(List<String> command, int seconds) throws IOException, InterruptedException {
        // Output goes to a file rather than a pipe so a hung wrk cannot block the harness past the timeout.
        Path log = Files.createTempFile("wrk-", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(seconds + WRK_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException("wrk did not finish within " + (seconds + WRK_GRACE_SECONDS) + "s");
            }
            String output = Files.readString(log);
            if (process.exitValue() != 0) {
                throw new IOException("wrk exited with " + process.exitValue() + ":\n" + output);
            }
            WrkResult result = WrkResult.parse(output);
            if (result.requestsPerSecond() == 0) {
                throw new IOException("no response in " + seconds + "s: is the server answering /plaintext?");
            }
            return result;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private List<String> wrkCommand(String wrkPath, Scenario scenario, int seconds, String url) {
        List<String> command = new ArrayList<>(List.of(wrkPath, "-t" + WRK_THREADS,
                "-c" + scenario.connections(), "-d" + seconds + "s", "--latency"));
        TECHEMPOWER_HEADERS.forEach(header -> command.addAll(List.of("-H", header)));
        if (scenario.pipelineDepth() > 0) {
            command.addAll(List.of("-s", script.toString(), url, "--", Integer.toString(scenario.pipelineDepth())));
        } else {
            command.add(url);
        }
        return command;
    }

    /** The rows named, in table order; all of them when no names were given; null if a name is unknown. */
    private static <T> List<T> select(List<T> rows, Function<T, String> name, List<String> wanted) {
        if (wanted == null) {
            return rows;
        }
        List<T> selected = rows.stream().filter(row -> wanted.contains(name.apply(row))).toList();
        return selected.size() == Set.copyOf(wanted).size() ? selected : null;
    }

    private Map<String, String> placeholders(String port) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Map.of("java", java, "jar", jar.toString(), "port", port, "threads", Integer.toString(threads));
    }

    private BenchReport.Setup setup(List<Server> servers, List<Scenario> scenarios) throws InterruptedException {
        Map<String, String> wrkCommands = new LinkedHashMap<>();
        scenarios.forEach(s -> wrkCommands.put(s.name(),
                shell(wrkCommand("wrk", s, durationSeconds, "http://127.0.0.1:<port>/plaintext"))));
        Map<String, String> serverCommands = new LinkedHashMap<>();
        Map<String, String> shown = new LinkedHashMap<>(placeholders("<port>"));
        shown.put("java", "java");
        servers.forEach(s -> serverCommands.put(s.name(), shell(s.commandFor(shown))));
        String harness = "java -cp " + jar + " " + Harness.class.getName() + " " + shell(Arrays.asList(args));
        return new BenchReport.Setup(harness.strip(), wrkVersion(), wrkCommands, serverCommands, BASELINE, roundCount,
                warmupSeconds, durationSeconds);
    }

    private int pick(Integer explicit, int quickValue, int defaultValue) {
        return explicit != null ? explicit : quick ? quickValue : defaultValue;
    }

    private String timeLeft(long startedNanos, int done, int total) {
        Duration perRun = done > 0
                ? Duration.ofNanos((System.nanoTime() - startedNanos) / done)
                : Duration.ofSeconds(warmupSeconds + durationSeconds + RUN_OVERHEAD_SECONDS);
        Duration left = perRun.multipliedBy(total - done);
        return String.format("~%dm%02ds", left.toMinutes(), left.toSecondsPart());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String findOnPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst().orElse(null);
    }

    private String wrkVersion() throws InterruptedException {
        try {
            Process process = new ProcessBuilder(wrk, "-v").redirectErrorStream(true).start();
            String first = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .findFirst().orElse("unknown");
            process.waitFor();
            return first.replaceFirst("\\s*Copyright.*", "");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String shell(List<String> command) {
        return command.stream()
                .map(arg -> SHELL_SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
