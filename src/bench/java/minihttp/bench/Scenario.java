package minihttp.bench;

import java.util.List;

/**
 * A wrk load: connections, requests per write (1 = no pipelining), plain text or TLS, and what each request asks
 * for: {@code /plaintext}, or with {@code workMicros > 0} that many µs of CPU ({@code /work?us=N}). With
 * {@code defaultThreads}, raw Netty, the peers and nginx run one event loop per core ({@code --loops}), as
 * futures-minihttp's pipelined column lets every server use its default configuration.
 */
record Scenario(String name, int connections, int pipelineDepth, boolean tls, long workMicros,
                boolean defaultThreads) {

    /** TechEmpower's pipeline depth. */
    static final int DEPTH = 16;
    /** futures-minihttp's pipeline depth. */
    static final int SEED_DEPTH = 32;
    /** CPU per request in the work scenarios: enough that the server, not wrk, is the bottleneck. */
    static final long WORK_MICROS = 50;
    static final String PLAINTEXT_PATH = "/plaintext";

    Scenario(String name, int connections, int pipelineDepth, boolean tls) {
        this(name, connections, pipelineDepth, tls, 0, false);
    }

    /** Every scenario, in report order. */
    static final List<Scenario> ALL = List.of(
            new Scenario("pipelined-256", 256, DEPTH, false),
            new Scenario("pipelined-1024", 1024, DEPTH, false),
            new Scenario("pipelined-4096", 4096, DEPTH, false),
            new Scenario("pipelined-16384", 16384, DEPTH, false),
            new Scenario("plain-64", 64, 1, false),
            new Scenario("pipelined32-256", 256, SEED_DEPTH, false, 0, true),
            new Scenario("work-pipelined-256", 256, DEPTH, false, WORK_MICROS, false),
            new Scenario("work-plain-64", 64, 1, false, WORK_MICROS, false),
            new Scenario("tls-pipelined-256", 256, DEPTH, true),
            new Scenario("tls-plain-64", 64, 1, true));

    /** The summary table's two columns, after futures-minihttp's: pipelined, and no pipelining. */
    static final String SUMMARY_PIPELINED = "pipelined-256";
    static final String SUMMARY_PLAIN = "plain-64";

    /** futures-minihttp's own columns: pipelined (depth 32) at default threads, and one thread unpipelined. */
    static final String SEED_PIPELINED = "pipelined32-256";
    static final String SEED_SINGLE = SUMMARY_PLAIN;

    /** What {@code --quick} runs: the two summary scenarios. */
    static final List<String> QUICK = List.of(SUMMARY_PIPELINED, SUMMARY_PLAIN);

    /** {@code --scenarios none}: no wrk scenario at all, for a run that only measures idle connections. */
    static final String NONE = "none";

    boolean pipelined() {
        return pipelineDepth > 1;
    }

    boolean working() {
        return workMicros > 0;
    }

    /** The request target: {@code /plaintext}, or {@code /work?us=N}. */
    String path() {
        return working() ? "/work?us=" + workMicros : PLAINTEXT_PATH;
    }

    /** The URL wrk loads on {@code hostAndPort}. */
    String url(String hostAndPort) {
        return (tls ? "https" : "http") + "://" + hostAndPort + path();
    }

    /** For the report, e.g. "pipelined (depth 16), 256 connections, TLS". */
    String description() {
        return (pipelined() ? "pipelined (depth " + pipelineDepth + ")" : "not pipelined") + ", " + connections
                + " connections" + (tls ? ", TLS" : "") + (working() ? ", " + workMicros + " µs of CPU per request"
                + " (`" + path() + "`)" : "") + (defaultThreads ? ", default threads (one event loop per core in raw "
                + "Netty, the peers and nginx)" : "");
    }
}
