package minihttp.bench;

import static minihttp.bench.StatsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static final Machine MACHINE = new Machine("2030-01-02 03:04 UTC", "Test CPU 9000", 2,
            "Linux 6.1 (amd64)", "17.0.15, Test (VM)", "wrk 4.1.0");

    /** Two rounds of the two summary scenarios; vertx cannot do TLS and failed one pipelined round. */
    private static Results results() {
        List<Scenario> scenarios = List.of(Scenario.ALL.get(0), Scenario.ALL.get(4));
        Results r = new Results(scenarios, List.of("minihttp-1", "raw-netty", "vertx"), 2);
        r.put("pipelined-256", "raw-netty", 0, run(1_000_000));
        r.put("pipelined-256", "raw-netty", 1, run(800_000));
        r.put("pipelined-256", "minihttp-1", 0, run(990_000));
        r.put("pipelined-256", "minihttp-1", 1, run(760_000));
        r.put("pipelined-256", "vertx", 0, run(400_000));
        r.note("pipelined-256", "vertx", "round 2 failed: wrk exited with 1");
        r.put("plain-64", "raw-netty", 0, run(100_000));
        r.put("plain-64", "raw-netty", 1, run(100_000));
        r.put("plain-64", "minihttp-1", 0, run(95_000));
        r.put("plain-64", "minihttp-1", 1, run(97_000));
        r.unsupported("plain-64", "vertx", "n/a: did not start: Unknown option: '--x'");
        return r;
    }

    private static BenchReport.Setup setup() {
        Map<String, String> wrk = new LinkedHashMap<>();
        wrk.put("pipelined-256", "wrk -c256 pipelined");
        wrk.put("plain-64", "wrk -c64 plain");
        Map<String, String> servers = new LinkedHashMap<>();
        servers.put("minihttp-1", "java -cp target/minihttp.jar minihttp.app.Main --port <port> --threads 1");
        servers.put("raw-netty", "java raw");
        servers.put("vertx", "java vertx");
        return new BenchReport.Setup("java -jar target/minihttp-bench.jar --quick", wrk, servers,
                Map.of("vertx", "no Date header"), "raw-netty", 1, 1, 2, "fd limit 20000.", "worker_processes 1;\n",
                "bench-results.svg", List.of(), 2, 0, null);
    }

    @Test
    void summaryHasARowPerServerWithMediansAndSameRoundRatios() {
        String md = BenchReport.markdown(MACHINE, setup(), results());
        // minihttp: medians 875,000 and 96,000; ratios per round 0.99, 0.95 -> 0.97 and 0.95, 0.97 -> 0.96.
        assertTrue(md.contains("| minihttp-1 | 875,000 | 0.97x | 96,000 | 0.96x |"), md);
        assertTrue(md.contains("| raw-netty | 900,000 | 1.00x | 100,000 | 1.00x |"), md);
        assertTrue(md.contains("| vertx | 400,000 | 0.40x | n/a | n/a |"), md);
        assertTrue(md.contains("![req/s per server](bench-results.svg)"), md);
    }

    @Test
    void headerNamesTheMachineAndTheCommands() {
        String md = BenchReport.markdown(MACHINE, setup(), results());
        assertTrue(md.startsWith("# minihttp benchmark results\n"), md);
        for (String expected : List.of("- Date: 2030-01-02 03:04 UTC", "- CPU: Test CPU 9000, 2 cores",
                "- Kernel: Linux 6.1 (amd64)", "- JDK: 17.0.15, Test (VM)", "- wrk: wrk 4.1.0",
                "Build: `mvn -B -q -Pbench -DskipTests package`; "
                        + "command: `java -jar target/minihttp-bench.jar --quick`", "fd limit 20000.",
                "`wrk -c256 pipelined`", "- minihttp-1: `java -cp target/minihttp.jar minihttp.app.Main --port <port>",
                "```nginx\nworker_processes 1;\n```")) {
            assertTrue(md.contains(expected), expected + " missing from:\n" + md);
        }
    }

    @Test
    void scenarioTablesCarryEveryFigureAndTheReasonForGaps() {
        String md = BenchReport.markdown(MACHINE, setup(), results());
        // run(): p50 100us, p99 200us, 1 socket error and 2 non-2xx per run, 3.5 CPU us/req (0.5 of it GC and
        // JIT, 2.0 in the kernel), 1024 KiB peak.
        // 3.5 CPU us/req is 285,714 requests per CPU-second.
        assertTrue(md.contains("| minihttp-1 | 875,000 | 285,714 | 0.97x | 100.00us | 200.00us | 2 | 4 | 3.50 | 0.50 | 2.00 | 1 MiB "
                + "|  |"), md);
        assertTrue(md.contains("| vertx | 400,000 | 285,714 | 0.40x | 100.00us | 200.00us | 1 | 2 | 3.50 | 0.50 | 2.00 | 1 MiB "
                + "| round 2 failed: wrk exited with 1 |"), md);
        assertTrue(md.contains("| vertx | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a "
                + "| n/a: did not start: Unknown option: '--x' |"), md);
        assertTrue(md.contains("| vertx | 400,000 | n/a |\n"), "per-round table: " + md);
        assertTrue(md.contains("| vertx | 3.50 (0.50 / 2.00) | n/a |\n"), "per-round CPU table: " + md);
        assertTrue(md.contains("CPU per request against raw-netty, medians of same-round figures (user space: the CPU "
                + "less GC + JIT and kernel, the server's own code):\n\n"
                + "| server | CPU µs/req | kernel | user space | GC + JIT, µs more |\n|---|---:|---:|---:|---:|\n"
                + "| minihttp-1 | 1.00x | 1.00x | 1.00x | 0.00 |\n"), md);
        assertTrue(md.contains("| vertx | n/a | n/a | n/a | n/a |\n"), "vertx did not run plain-64: " + md);
    }

    @Test
    void serverListCarriesEachServersNote() {
        String md = BenchReport.markdown(MACHINE, setup(), results());
        assertTrue(md.contains("- vertx: `java vertx`. Note: no Date header.\n"), md);
        assertTrue(md.contains("- raw-netty: `java raw`\n"), md);
    }

    /** futures-minihttp's table: pipelined32-256 at default threads, and plain-64 on one thread. */
    @Test
    void seedTableTakesEachColumnFromItsOwnServerRow() {
        Scenario seed = Scenario.ALL.stream().filter(s -> s.name().equals(Scenario.SEED_PIPELINED)).findFirst()
                .orElseThrow();
        Results r = new Results(List.of(seed, Scenario.ALL.get(4)), List.of("minihttp-1", "minihttp-2", "raw-netty",
                "minihttp-1-epoll"), 1);
        r.put("pipelined32-256", "minihttp-2", 0, run(1_500_000));
        r.put("pipelined32-256", "minihttp-1", 0, run(900_000));
        r.put("pipelined32-256", "raw-netty", 0, run(1_600_000));
        r.put("plain-64", "minihttp-1", 0, run(95_000));
        r.put("plain-64", "minihttp-2", 0, run(120_000));
        r.put("plain-64", "raw-netty", 0, run(100_000));
        r.put("plain-64", "minihttp-1-epoll", 0, run(94_000));
        Map<String, String> wrk = new LinkedHashMap<>();
        wrk.put("pipelined32-256", "wrk -c256 pipelined -- 32");
        wrk.put("plain-64", "wrk -c64 plain");
        BenchReport.Setup setup = new BenchReport.Setup("h", wrk, Map.of(), Map.of(), "raw-netty", 1, 1, 2, "",
                null, null, List.of(new BenchReport.SeedRow("minihttp", "minihttp-2", "minihttp-1"),
                        new BenchReport.SeedRow("raw-netty (futures-minihttp's \"raw mio\")", "raw-netty", "raw-netty"),
                        new BenchReport.SeedRow("minihttp-1-epoll", null, "minihttp-1-epoll")), 2, 0, null);
        String md = BenchReport.markdown(MACHINE, setup, r);
        assertTrue(md.contains("## futures-minihttp's table"), md);
        assertTrue(md.contains("| server | pipelined, default threads | single thread, no pipelining |"), md);
        assertTrue(md.contains("| minihttp | 1,500,000 | 95,000 |\n"), md);
        assertTrue(md.contains("| raw-netty (futures-minihttp's \"raw mio\") | 1,600,000 | 100,000 |\n"), md);
        assertTrue(md.contains("| minihttp-1-epoll | n/a | 94,000 |\n"), md);
        assertTrue(md.contains("`wrk -c256 pipelined -- 32`") && md.contains("`wrk -c64 plain`"), md);
    }

    @Test
    void aTargetStartedByHandHasNoCpuOrMemoryFigures() {
        Results r = new Results(List.of(Scenario.ALL.get(4)), List.of("target"), 1);
        r.put("plain-64", "target", 0, Measurement.clientOnly(new WrkResult(1000, 100_000, 100, 200, 0, 0)));
        BenchReport.Setup setup = new BenchReport.Setup("h", Map.of("plain-64", "wrk"), Map.of("target", "by hand"),
                Map.of(), "raw-netty", 1, 1, 2, "", null, null, List.of(), 2, 0, null);
        String md = BenchReport.markdown(MACHINE, setup, r);
        assertTrue(md.contains("| target | 100,000 | n/a | n/a | 100.00us | 200.00us | 0 | 0 | n/a | n/a | n/a | n/a |  |"), md);
        assertFalse(md.contains("CPU per request against"), "no baseline CPU to compare with: " + md);
    }

    /** Two rounds of 1,000 idle connections; nginx has no live heap, vertx did not start. */
    @Test
    void idleConnectionsTableHasMediansRatiosToTheBaselinesMediansAndEveryRound() {
        Results r = new Results(List.of(), List.of("minihttp-1", "raw-netty", "nginx", "vertx"), 2);
        // RSS in KiB, live heap in bytes: 1,000 connections growing 6,000 KiB are 6,144 B each.
        r.putIdle("minihttp-1", 0, new IdleCost(1000, 50_000, 56_000, 10_000_000, 12_900_000));
        r.putIdle("minihttp-1", 1, new IdleCost(1000, 50_000, 57_000, 10_000_000, 13_100_000));
        r.putIdle("raw-netty", 0, new IdleCost(1000, 40_000, 44_000, 5_000_000, 6_300_000));
        r.putIdle("raw-netty", 1, new IdleCost(1000, 40_000, 44_000, 5_000_000, 6_300_000));
        r.putIdle("nginx", 0, new IdleCost(1000, 3_000, 4_000, IdleCost.NOT_A_JVM, IdleCost.NOT_A_JVM));
        r.note(Results.IDLE, "nginx", "round 2 failed: Too many open files");
        r.unsupported(Results.IDLE, "vertx", "n/a: did not start: Unknown option: '--x'");
        BenchReport.Setup setup = new BenchReport.Setup("java -jar b.jar --idle-connections 1000 --scenarios none",
                Map.of(), Map.of(), Map.of(), "raw-netty", 1, 1, 2, "fd limit 20000.", null, null, List.of(), 2, 1000,
                "java -cp b.jar minihttp.bench.IdleConnections <port> <pid> 1000");
        String md = BenchReport.markdown(MACHINE, setup, r);
        assertTrue(md.contains("2 round(s) of the idle connections alone, no wrk scenario. fd limit 20000."), md);
        assertTrue(md.contains("## Idle connections"), md);
        assertTrue(md.contains("1,000 connections each get one `GET /plaintext` answered"), md);
        assertTrue(md.contains("By hand, with the server started alone: "
                + "`java -cp b.jar minihttp.bench.IdleConnections <port> <pid> 1000`."), md);
        assertTrue(md.contains("| server | RSS per connection | vs raw-netty | live heap per connection | vs raw-netty "
                + "| round 1: RSS / heap | round 2: RSS / heap | note |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---|\n"), md);
        // minihttp: RSS 6,144 and 7,168 B -> 6,656 (1.63x raw-netty's 4,096); heap 2,900, 3,100 -> 3,000 (2.31x 1,300).
        assertTrue(md.contains("| minihttp-1 | 6,656 B | 1.63x | 3,000 B | 2.31x | 6,144 B / 2,900 B "
                + "| 7,168 B / 3,100 B |  |\n"), md);
        assertTrue(md.contains("| raw-netty | 4,096 B | 1.00x | 1,300 B | 1.00x | 4,096 B / 1,300 B "
                + "| 4,096 B / 1,300 B |  |\n"), md);
        assertTrue(md.contains("| nginx | 1,024 B | 0.25x | - | - | 1,024 B / - | n/a "
                + "| round 2 failed: Too many open files |\n"), md);
        assertTrue(md.contains("| vertx | n/a | n/a | n/a | n/a | n/a | n/a "
                + "| n/a: did not start: Unknown option: '--x' |\n"), md);
        assertFalse(md.contains("## Summary"), md);
    }

    @Test
    void noIdleConnectionsTableUnlessMeasured() {
        String md = BenchReport.markdown(MACHINE, setup(), results());
        assertFalse(md.contains("Idle connections"), md);
    }

    @Test
    void chartHasOneBarPerServerAndScenarioScaledToTheLargest() {
        String svg = BenchReport.chart(results());
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertEquals(6, count(svg, "height=\"14\""), svg);
        // raw-netty's 900,000 is the largest: the full 460 px; minihttp's 875,000: 447 px.
        assertTrue(svg.contains("width=\"460\" height=\"14\" fill=\"#3b6ea5\""), svg);
        assertTrue(svg.contains("width=\"447\" height=\"14\" fill=\"#3b6ea5\""), svg);
        assertTrue(svg.contains(">875,000</text>"), svg);
        assertTrue(svg.contains(">n/a</text>"), svg);
    }

    @Test
    void chartEscapesLabels() {
        String svg = SvgChart.render("a <b> & \"c\"", List.of("x<y"),
                List.of(new SvgChart.Series("s&t", "#000", new double[] {1})));
        assertTrue(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"), svg);
        assertTrue(svg.contains(">x&lt;y</text>"), svg);
        assertTrue(svg.contains(">s&amp;t</text>"), svg);
        assertTrue(svg.trim().endsWith("</svg>"), svg);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
