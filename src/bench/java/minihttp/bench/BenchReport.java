package minihttp.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Renders a harness run as Markdown (setup, summary, one table per scenario) and its summary as an SVG chart. */
final class BenchReport {

    private static final String NONE = "n/a";
    private static final double KIB_PER_MIB = 1024;
    private static final String PIPELINED_COLOR = "#3b6ea5";
    private static final String PLAIN_COLOR = "#e08a2c";

    /** How the numbers were produced, for the reader to reproduce them. */
    record Setup(String harnessCommand, Map<String, String> wrkCommands, Map<String, String> serverCommands,
                 String baseline, int warmupRuns, int warmupSeconds, int durationSeconds, String fdLimit,
                 String nginxConfig,
                 String chartFile) {}

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
        md.append(String.format(Locale.ROOT, "%d round(s). In each, every scenario runs every server in turn, the "
                + "order reversed every other round. Each run starts the server as a fresh process, warms it up with "
                + "%d discarded wrk run(s) of %ds, each on new connections and followed by a %dms pause, then "
                + "measures %ds. wrk (one thread) and the server share the machine. %s%n", results.rounds(),
                setup.warmupRuns(), setup.warmupSeconds(), Harness.DRAIN_MILLIS, setup.durationSeconds(),
                setup.fdLimit()));
        summary(md, setup, results);
        for (Scenario scenario : results.scenarios()) {
            scenario(md, setup, results, scenario);
        }
        md.append("\n## Servers\n\n`<port>` is a free port per run.\n\n");
        setup.serverCommands().forEach((name, command) ->
                md.append("- ").append(name).append(": `").append(command).append("`\n"));
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
        md.append("| server | req/s | vs ").append(base).append(" | p50 | p99 | socket errors | non-2xx "
                + "| CPU µs/req | peak RSS | note |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String server : results.servers()) {
            Measurement[] rounds = results.rounds(name, server);
            boolean any = Arrays.stream(rounds).anyMatch(Objects::nonNull);
            String note = results.note(name, server);
            md.append("| ").append(server)
                    .append(" | ").append(requests(Stats.median(rounds, m -> m.wrk().requestsPerSecond())))
                    .append(" | ").append(ratio(Stats.sameRoundRatio(rounds, results.rounds(name, base))))
                    .append(" | ").append(WrkResult.formatMicros(Stats.median(rounds, m -> m.wrk().p50Micros())))
                    .append(" | ").append(WrkResult.formatMicros(Stats.median(rounds, m -> m.wrk().p99Micros())))
                    .append(" | ").append(any ? Long.toString(Stats.total(rounds, m -> m.wrk().socketErrors())) : NONE)
                    .append(" | ").append(any ? Long.toString(Stats.total(rounds, m -> m.wrk().non2xx())) : NONE)
                    .append(" | ").append(fixed(Stats.median(rounds, Measurement::cpuMicrosPerRequest)))
                    .append(" | ").append(mebibytes(Stats.median(rounds, m -> m.peakRssKb())))
                    .append(" | ").append(note == null ? "" : note.replace("|", "\\|")).append(" |\n");
        }
        md.append("\nLatencies, CPU time per request (server process and its children, user + system, over the "
                + "measured window) and peak RSS (VmHWM) are medians over rounds; socket errors and non-2xx are "
                + "totals.\n\nreq/s per round:\n\n| server |");
        for (int r = 1; r <= results.rounds(); r++) {
            md.append(" round ").append(r).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(results.rounds())).append('\n');
        for (String server : results.servers()) {
            md.append("| ").append(server).append(" |");
            for (Measurement run : results.rounds(name, server)) {
                md.append(' ').append(run == null ? NONE : requests(run.wrk().requestsPerSecond())).append(" |");
            }
            md.append('\n');
        }
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
