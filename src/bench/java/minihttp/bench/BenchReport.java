package minihttp.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Renders a harness run as Markdown (setup, summary, one table per scenario, the idle connections' cost) and its
 * summary as an SVG chart.
 */
final class BenchReport {

    private static final String NONE = "n/a";
    /** A figure that does not apply to a server, such as the live heap of one that is not a JVM. */
    private static final String NOT_APPLICABLE = "-";
    private static final double KIB_PER_MIB = 1024;
    private static final String PIPELINED_COLOR = "#3b6ea5";
    private static final String PLAIN_COLOR = "#e08a2c";

    /**
     * How the numbers were produced, for the reader to reproduce them: {@code hostNotes} are sentences on the host
     * (open-file limit, pinning, a remote target), {@code serverNotes} where a server departs from the rules,
     * {@code loops} the event loops of the multi-loop rows; {@code idleConnections} how many idle connections each
     * server held (0: not measured) and {@code idleCommand} the command that measures one server so by hand.
     */
    record Setup(String harnessCommand, Map<String, String> wrkCommands, Map<String, String> serverCommands,
                 Map<String, String> serverNotes, String baseline, int warmupRuns, int warmupSeconds,
                 int durationSeconds, String hostNotes, String nginxConfig, String chartFile, List<SeedRow> seedRows,
                 int loops, int idleConnections, String idleCommand) {}

    /** A row of futures-minihttp's table: the server rows whose figures fill its two columns (null: none). */
    record SeedRow(String label, String pipelinedServer, String singleServer) {}

    private BenchReport() {}

    static String markdown(Machine machine, Setup setup, Results results) {
        StringBuilder md = new StringBuilder("# minihttp benchmark results\n\n");
        md.append("Written by the benchmark harness; rerun it to replace this file.\n\n");
        md.append("- Date: ").append(machine.date()).append('\n');
        md.append("- CPU: ").append(machine.cpu()).append(", ").append(machine.cores()).append(" cores\n");
        md.append("- Kernel: ").append(machine.kernel()).append('\n');
        md.append("- JDK: ").append(machine.jdk()).append(", for the harness and every Java server\n");
        md.append("- wrk: ").append(machine.wrk()).append("\n\n");
        md.append("Build: `").append(Harness.BUILD_BENCH).append("`; command: `").append(setup.harnessCommand())
                .append("`\n\n");
        if (results.scenarios().isEmpty()) {
            md.append(String.format(Locale.ROOT, "%d round(s) of the idle connections alone, no wrk scenario. %s%n",
                    results.rounds(), setup.hostNotes()));
        } else {
            md.append(String.format(Locale.ROOT, "%d round(s). In each, every scenario runs every server in turn, "
                    + "the order reversed every other round. Each run starts the server as a fresh process, warms it "
                    + "up with %d discarded wrk run(s) of %ds, each on new connections and followed by a %dms pause, "
                    + "then measures %ds. wrk (one thread) and the server share the machine. %s%n", results.rounds(),
                    setup.warmupRuns(), setup.warmupSeconds(), Harness.DRAIN_MILLIS, setup.durationSeconds(),
                    setup.hostNotes()));
        }
        summary(md, setup, results);
        seedTable(md, setup, results);
        for (Scenario scenario : results.scenarios()) {
            scenario(md, setup, results, scenario);
        }
        idleConnections(md, setup, results);
        md.append("\n## Servers\n\n`<port>` is a free port per run.\n\n");
        setup.serverCommands().forEach((name, command) -> {
            md.append("- ").append(name).append(": `").append(command).append('`');
            String note = setup.serverNotes().get(name);
            md.append(note == null ? "" : ". Note: " + note + ".").append('\n');
        });
        if (setup.nginxConfig() != null) {
            md.append("\nnginx configuration (`<dir>` is a fresh temporary directory):\n\n```nginx\n")
                    .append(setup.nginxConfig()).append("```\n");
        }
        return md.toString();
    }

    /** The futures-minihttp-style table: a row per server, pipelined and not-pipelined req/s, ratios to baseline. */
    private static void summary(StringBuilder md, Setup setup, Results results) {
        Scenario pipelined = find(results, Scenario.SUMMARY_PIPELINED);
        Scenario plain = find(results, Scenario.SUMMARY_PLAIN);
        if (pipelined == null && plain == null) {
            return;
        }
        String base = setup.baseline();
        md.append("\n## Summary\n\nMedian req/s; ratios are medians of same-round ratios to ").append(base)
                .append(". Pipelined: ").append(describe(pipelined)).append("; no pipelining: ")
                .append(describe(plain)).append(".\n\n");
        md.append("| server | pipelined | vs ").append(base).append(" | no pipelining | vs ").append(base)
                .append(" |\n|---|---:|---:|---:|---:|\n");
        for (String server : results.servers()) {
            md.append("| ").append(server).append(" | ").append(summaryCells(results, pipelined, server, base))
                    .append(" | ").append(summaryCells(results, plain, server, base)).append(" |\n");
        }
        if (setup.chartFile() != null) {
            md.append("\n![req/s per server](").append(setup.chartFile()).append(")\n");
        }
    }

    /**
     * futures-minihttp's own table: pipelined with its depth of 32 and every server at its default threads, and one
     * thread without pipelining; raw Netty is the counterpart of its "raw mio" row.
     */
    private static void seedTable(StringBuilder md, Setup setup, Results results) {
        Scenario pipelined = find(results, Scenario.SEED_PIPELINED);
        Scenario single = find(results, Scenario.SEED_SINGLE);
        if (pipelined == null && single == null || setup.seedRows().isEmpty()) {
            return;
        }
        md.append("\n## futures-minihttp's table\n\nThe shape of futures-minihttp's own table, median req/s. "
                + "Pipelined, default threads: every server at its default configuration (minihttp at one event loop "
                + "per core, ").append(setup.loops()).append("; raw Netty, the peers and nginx at ")
                .append(setup.loops()).append(" too), pipelining depth ").append(Scenario.SEED_DEPTH)
                .append(" as futures-minihttp used: ").append(command(setup, pipelined))
                .append(". Single thread, no pipelining: one event loop, one request at a time: ")
                .append(command(setup, single)).append(". futures-minihttp ran `wrk -t 40 -c 760 -d 30s` "
                        + "on an 8-core machine; these runs keep the harness's connection counts and one wrk thread."
                        + "\n\n| server | pipelined, default threads | single thread, no pipelining |\n"
                        + "|---|---:|---:|\n");
        for (SeedRow row : setup.seedRows()) {
            md.append("| ").append(row.label()).append(" | ").append(seedCell(results, pipelined, row.pipelinedServer()))
                    .append(" | ").append(seedCell(results, single, row.singleServer())).append(" |\n");
        }
    }

    private static String command(Setup setup, Scenario scenario) {
        return scenario == null ? "not run" : "`" + setup.wrkCommands().get(scenario.name()) + "`";
    }

    private static String seedCell(Results results, Scenario scenario, String server) {
        if (scenario == null || server == null || !results.servers().contains(server)) {
            return NONE;
        }
        return requests(Stats.median(results.rounds(scenario.name(), server), m -> m.wrk().requestsPerSecond()));
    }

    private static String summaryCells(Results results, Scenario scenario, String server, String base) {
        if (scenario == null) {
            return "not run | ";
        }
        Measurement[] rounds = results.rounds(scenario.name(), server);
        return requests(Stats.median(rounds, m -> m.wrk().requestsPerSecond())) + " | "
                + ratio(Stats.sameRoundRatio(rounds, results.rounds(scenario.name(), base)));
    }

    private static void scenario(StringBuilder md, Setup setup, Results results, Scenario scenario) {
        String name = scenario.name();
        String base = setup.baseline();
        md.append("\n## ").append(name).append("\n\n").append(scenario.description()).append(": `")
                .append(setup.wrkCommands().get(name)).append("`\n\n");
        if (scenario.tls()) {
            md.append("Each server makes a self-signed certificate at start (`--tls`); the peers use the JDK's TLS "
                    + "provider; the harness does not configure nginx for TLS.\n\n");
        }
        md.append("| server | req/s | req/s per CPU | vs ").append(base).append(" | p50 | p99 | socket errors "
                + "| non-2xx | CPU µs/req | of it GC + JIT | of it kernel | peak RSS | note |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String server : results.servers()) {
            Measurement[] rounds = results.rounds(name, server);
            boolean any = Arrays.stream(rounds).anyMatch(Objects::nonNull);
            String note = results.note(name, server);
            md.append("| ").append(server)
                    .append(" | ").append(requests(Stats.median(rounds, m -> m.wrk().requestsPerSecond())))
                    .append(" | ").append(requests(Stats.median(rounds, Measurement::requestsPerCpuSecond)))
                    .append(" | ").append(ratio(Stats.sameRoundRatio(rounds, results.rounds(name, base))))
                    .append(" | ").append(WrkResult.formatMicros(Stats.median(rounds, m -> m.wrk().p50Micros())))
                    .append(" | ").append(WrkResult.formatMicros(Stats.median(rounds, m -> m.wrk().p99Micros())))
                    .append(" | ").append(any ? Long.toString(Stats.total(rounds, m -> m.wrk().socketErrors())) : NONE)
                    .append(" | ").append(any ? Long.toString(Stats.total(rounds, m -> m.wrk().non2xx())) : NONE)
                    .append(" | ").append(fixed(Stats.median(rounds, Measurement::cpuMicrosPerRequest)))
                    .append(" | ").append(fixed(Stats.median(rounds, Measurement::runtimeMicrosPerRequest)))
                    .append(" | ").append(fixed(Stats.median(rounds, Measurement::kernelMicrosPerRequest)))
                    .append(" | ").append(mebibytes(Stats.median(rounds, Measurement::peakRss)))
                    .append(" | ").append(note == null ? "" : note.replace("|", "\\|")).append(" |\n");
        }
        md.append("\nLatencies, CPU time per request (server process and its children, user + system, over the "
                + "measured window), of it the JVM runtime's (its threads for garbage collection, the JIT compilers "
                + "and VM operations) and the kernel's (system time: system calls and the network stack; the rest "
                + "is the server's own code in user space), req/s per CPU (requests per second of that CPU time: "
                + "what one fully busy core would serve at this cost) and peak RSS (VmHWM) are medians over rounds; "
                + "socket errors and non-2xx are totals.\n");
        perRound(md, results, name, "req/s per round", run -> requests(run.wrk().requestsPerSecond()));
        perRound(md, results, name, "CPU µs/req per round (of it GC + JIT / kernel), for same-round ratios",
                run -> fixed(run.cpuMicrosPerRequest()) + " (" + fixed(run.runtimeMicrosPerRequest()) + " / "
                        + fixed(run.kernelMicrosPerRequest()) + ")");
        cpuAgainstBaseline(md, results, name, base);
    }

    /**
     * Where each server's CPU per request differs from the baseline's: medians of same-round ratios of the whole,
     * of the kernel's part and of the rest in user space, and of the same-round difference of the runtime's part.
     */
    private static void cpuAgainstBaseline(StringBuilder md, Results results, String scenario, String base) {
        Measurement[] baseRounds = results.rounds(scenario, base);
        if (Double.isNaN(Stats.median(baseRounds, Measurement::cpuMicrosPerRequest))) {
            return; // the baseline did not run, or ran where the harness cannot read its CPU (--target)
        }
        md.append("\nCPU per request against ").append(base).append(", medians of same-round figures (user space: "
                + "the CPU less GC + JIT and kernel, the server's own code):\n\n| server | CPU µs/req | kernel "
                + "| user space | GC + JIT, µs more |\n|---|---:|---:|---:|---:|\n");
        for (String server : results.servers()) {
            Measurement[] rounds = results.rounds(scenario, server);
            md.append("| ").append(server)
                    .append(" | ").append(ratio(Stats.sameRoundRatio(rounds, baseRounds,
                            Measurement::cpuMicrosPerRequest)))
                    .append(" | ").append(ratio(Stats.sameRoundRatio(rounds, baseRounds,
                            Measurement::kernelMicrosPerRequest)))
                    .append(" | ").append(ratio(Stats.sameRoundRatio(rounds, baseRounds,
                            Measurement::userMicrosPerRequest)))
                    .append(" | ").append(fixed(Stats.sameRoundDifference(rounds, baseRounds,
                            Measurement::runtimeMicrosPerRequest)))
                    .append(" |\n");
        }
    }

    /** A table of one figure of every server in every round of {@code scenario}. */
    private static void perRound(StringBuilder md, Results results, String scenario, String title,
                                 Function<Measurement, String> cell) {
        md.append('\n').append(title).append(":\n\n| server |");
        for (int r = 1; r <= results.rounds(); r++) {
            md.append(" round ").append(r).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(results.rounds())).append('\n');
        for (String server : results.servers()) {
            md.append("| ").append(server).append(" |");
            for (Measurement run : results.rounds(scenario, server)) {
                md.append(' ').append(run == null ? NONE : cell.apply(run)).append(" |");
            }
            md.append('\n');
        }
    }

    /**
     * What an idle keep-alive connection costs each server ({@code --idle-connections}): median RSS and live heap
     * growth per connection, their ratios to the baseline's medians, and every round's figures.
     */
    private static void idleConnections(StringBuilder md, Setup setup, Results results) {
        if (setup.idleConnections() == 0) {
            return;
        }
        String base = setup.baseline();
        md.append(String.format(Locale.ROOT, "%n## Idle connections%n%nWhat an idle keep-alive connection costs: "
                + "each server, started alone, first gets %d connections that close again (its first connections "
                + "load classes and fill pools); %.0fs later, %,d connections each get one `GET %s` answered and are "
                + "held idle. Its resident set (VmRSS of the process and its children: nginx's master and workers) "
                + "and, for a JVM, its live heap (the total of `jcmd <pid> GC.class_histogram`, which runs a full GC "
                + "first) are read before they open (the heap first, as its full GC may give heap pages back) and "
                + "%.0fs after (the RSS first); the table gives the growth per connection. RSS "
                + "also counts the garbage that opening the connections left in pages the heap had not touched "
                + "before; the live heap does not. Medians over rounds; the ratios are of the medians to %s's; `%s`: "
                + "not a JVM. By hand, with the server started alone: `%s`.%n%n",
                IdleConnections.WARM_UP, IdleConnections.SETTLE_MILLIS / 1000.0, setup.idleConnections(),
                Scenario.PLAINTEXT_PATH, IdleConnections.SETTLE_MILLIS / 1000.0, base, NOT_APPLICABLE,
                setup.idleCommand()));
        md.append("| server | RSS per connection | vs ").append(base).append(" | live heap per connection | vs ")
                .append(base).append(" |");
        for (int r = 1; r <= results.rounds(); r++) {
            md.append(" round ").append(r).append(": RSS / heap |");
        }
        md.append(" note |\n|---|---:|---:|---:|---:|").append("---:|".repeat(results.rounds())).append("---|\n");
        IdleCost[] baseRounds = results.idleRounds(base);
        double baseRss = Stats.median(baseRounds, IdleCost::rssBytesPerConnection);
        double baseHeap = Stats.median(baseRounds, IdleCost::liveHeapBytesPerConnection);
        for (String server : results.servers()) {
            IdleCost[] rounds = results.idleRounds(server);
            boolean any = Arrays.stream(rounds).anyMatch(Objects::nonNull);
            String note = results.note(Results.IDLE, server);
            md.append("| ").append(server)
                    .append(" | ").append(perConnection(any, Stats.median(rounds, IdleCost::rssBytesPerConnection),
                            baseRss))
                    .append(" | ").append(perConnection(any, Stats.median(rounds,
                            IdleCost::liveHeapBytesPerConnection), baseHeap))
                    .append(" |");
            for (IdleCost cost : rounds) {
                md.append(' ').append(cost == null ? NONE : bytes(cost.rssBytesPerConnection()) + " / "
                        + (cost.hasLiveHeap() ? bytes(cost.liveHeapBytesPerConnection()) : NOT_APPLICABLE))
                        .append(" |");
            }
            md.append(' ').append(note == null ? "" : note.replace("|", "\\|")).append(" |\n");
        }
    }

    /**
     * A median per connection and its ratio to the baseline's, two cells: n/a when no round ran,
     * {@value #NOT_APPLICABLE} when the rounds ran without this figure (the live heap of a server that is no JVM).
     */
    private static String perConnection(boolean anyRound, double median, double baselineMedian) {
        if (!anyRound) {
            return NONE + " | " + NONE;
        }
        if (Double.isNaN(median)) {
            return NOT_APPLICABLE + " | " + NOT_APPLICABLE;
        }
        return bytes(median) + " | " + (baselineMedian > 0 ? ratio(median / baselineMedian) : NONE);
    }

    /** The summary as a bar chart: per server, median req/s pipelined and not. */
    static String chart(Results results) {
        List<SvgChart.Series> series = new ArrayList<>();
        Scenario pipelined = find(results, Scenario.SUMMARY_PIPELINED);
        Scenario plain = find(results, Scenario.SUMMARY_PLAIN);
        if (pipelined != null) {
            series.add(new SvgChart.Series(describe(pipelined), PIPELINED_COLOR,
                    medians(results, pipelined)));
        }
        if (plain != null) {
            series.add(new SvgChart.Series(describe(plain), PLAIN_COLOR, medians(results, plain)));
        }
        return SvgChart.render("minihttp plaintext benchmark: median req/s", results.servers(), series);
    }

    private static double[] medians(Results results, Scenario scenario) {
        return results.servers().stream()
                .mapToDouble(server -> Stats.median(results.rounds(scenario.name(), server),
                        m -> m.wrk().requestsPerSecond()))
                .toArray();
    }

    private static Scenario find(Results results, String name) {
        return results.scenarios().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    private static String describe(Scenario scenario) {
        return scenario == null ? "not run" : scenario.description();
    }

    static String requests(double rps) {
        return Double.isNaN(rps) ? NONE : String.format(Locale.ROOT, "%,.0f", rps);
    }

    /** Bytes, e.g. "2,925 B"; n/a when unknown. */
    static String bytes(double bytes) {
        return Double.isNaN(bytes) ? NONE : String.format(Locale.ROOT, "%,.0f B", bytes);
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? NONE : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    private static String fixed(double value) {
        return Double.isNaN(value) ? NONE : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String mebibytes(double kib) {
        return Double.isNaN(kib) ? NONE : String.format(Locale.ROOT, "%.0f MiB", kib / KIB_PER_MIB);
    }
}
