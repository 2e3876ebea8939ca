package minihttp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/** Renders the harness's measurements as Markdown: the setup, one table per scenario, the raw rounds. */
final class BenchReport {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);
    private static final String NONE = "n/a";

    /** How the numbers were produced, for the reader to reproduce them. */
    record Setup(String harnessCommand, String wrkVersion, Map<String, String> wrkCommands,
                 Map<String, String> serverCommands, String baseline, int rounds, int warmupSeconds,
                 int durationSeconds) {}

    private BenchReport() {}

    /** {@code runs} maps scenario to server to one result per round, null where that run failed. */
    static String render(Setup setup, Map<String, Map<String, WrkResult[]>> runs) {
        StringBuilder md = new StringBuilder("# minihttp benchmark results\n\n");
        md.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DATE)).append('\n');
        md.append("- CPU: ").append(cpuModel()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n");
        md.append("- Kernel: ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(" (").append(System.getProperty("os.arch"))
                .append(")\n");
        md.append("- JDK: ").append(System.getProperty("java.version")).append(", ")
                .append(System.getProperty("java.vendor")).append(" (").append(System.getProperty("java.vm.name"))
                .append("), for the harness and every Java server\n");
        md.append("- wrk: ").append(setup.wrkVersion()).append("\n\n");
        md.append("Harness: `").append(setup.harnessCommand()).append("`\n\n");
        md.append(String.format(Locale.ROOT, "%d round(s); in each, every scenario runs every server in turn, "
                + "the order reversed every other round. Each run starts the server as a fresh process, warms it "
                + "up with a discarded wrk run of %ds, measures %ds and stops it. wrk and the server share the "
                + "machine.%n%n",
                setup.rounds(), setup.warmupSeconds(), setup.durationSeconds()));
        md.append("Servers (`<port>` is a free port per run):\n\n");
        setup.serverCommands().forEach((name, command) ->
                md.append("- ").append(name).append(": `").append(command).append("`\n"));
        runs.forEach((scenario, byServer) -> scenario(md, setup, scenario, byServer));
        return md.toString();
    }

    private static void scenario(StringBuilder md, Setup setup, String scenario, Map<String, WrkResult[]> byServer) {
        String baseline = setup.baseline();
        WrkResult[] base = byServer.get(baseline);
        md.append("\n## ").append(scenario).append("\n\n`").append(setup.wrkCommands().get(scenario)).append("`\n\n");
        md.append("| server | req/s (median) | p50 | p99 | socket errors | non-2xx | ratio to ").append(baseline)
                .append(" (median of same-round ratios) | ratio of medians |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        double baseMedian = base == null ? Double.NaN : median(base, WrkResult::requestsPerSecond);
        byServer.forEach((server, rounds) -> {
            double rps = median(rounds, WrkResult::requestsPerSecond);
            md.append("| ").append(server)
                    .append(" | ").append(requests(rps))
                    .append(" | ").append(WrkResult.formatMicros(median(rounds, WrkResult::p50Micros)))
                    .append(" | ").append(WrkResult.formatMicros(median(rounds, WrkResult::p99Micros)))
                    .append(" | ").append(ok(rounds).mapToLong(WrkResult::socketErrors).sum())
                    .append(" | ").append(ok(rounds).mapToLong(WrkResult::non2xx).sum())
                    .append(" | **").append(ratio(sameRoundRatio(rounds, base))).append("**")
                    .append(" | ").append(ratio(rps / baseMedian)).append(" |\n");
        });
        md.append("\nSocket errors and non-2xx are totals over the measured runs; latencies are medians over rounds. "
                + "The bold ratio, from runs of the same round, is the figure to quote.\n\n");
        md.append("Requests/sec per round:\n\n| server |");
        int roundCount = byServer.values().iterator().next().length;
        for (int r = 1; r <= roundCount; r++) {
            md.append(" round ").append(r).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(roundCount)).append('\n');
        byServer.forEach((server, rounds) -> {
            md.append("| ").append(server).append(" |");
            for (WrkResult run : rounds) {
                md.append(' ').append(run == null ? "failed" : requests(run.requestsPerSecond())).append(" |");
            }
            md.append('\n');
        });
    }

    /** The median of ratios taken within each round, so drift between rounds (thermal, noise) cancels out. */
    private static double sameRoundRatio(WrkResult[] server, WrkResult[] baseline) {
        if (baseline == null) {
            return Double.NaN;
        }
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < server.length; r++) {
            if (server[r] != null && baseline[r] != null) {
                ratios.add(server[r].requestsPerSecond() / baseline[r].requestsPerSecond());
            }
        }
        return median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(WrkResult[] rounds, ToDoubleFunction<WrkResult> figure) {
        return median(ok(rounds).mapToDouble(figure).filter(value -> !Double.isNaN(value)).toArray());
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static Stream<WrkResult> ok(WrkResult[] rounds) {
        return Arrays.stream(rounds).filter(Objects::nonNull);
    }

    static String requests(double rps) {
        return Double.isNaN(rps) ? NONE : String.format(Locale.ROOT, "%,.0f", rps);
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? NONE : String.format(Locale.ROOT, "%.2f", ratio);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
