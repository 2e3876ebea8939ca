package minihttp.bench;

import java.util.List;

/** A wrk load on {@code /plaintext}: connections, requests per write (1 = no pipelining), plain text or TLS. */
record Scenario(String name, int connections, int pipelineDepth, boolean tls) {

    /** TechEmpower's pipeline depth. */
    static final int DEPTH = 16;

    /** Every scenario, in report order. */
    static final List<Scenario> ALL = List.of(
            new Scenario("pipelined-256", 256, DEPTH, false),
            new Scenario("pipelined-1024", 1024, DEPTH, false),
            new Scenario("pipelined-4096", 4096, DEPTH, false),
            new Scenario("pipelined-16384", 16384, DEPTH, false),
            new Scenario("plain-64", 64, 1, false),
            new Scenario("tls-pipelined-256", 256, DEPTH, true),
            new Scenario("tls-plain-64", 64, 1, true));

    /** The summary table's two columns, after futures-minihttp's: pipelined, and no pipelining. */
    static final String SUMMARY_PIPELINED = "pipelined-256";
    static final String SUMMARY_PLAIN = "plain-64";

    /** What {@code --quick} runs: the two summary scenarios. */
    static final List<String> QUICK = List.of(SUMMARY_PIPELINED, SUMMARY_PLAIN);

    boolean pipelined() {
        return pipelineDepth > 1;
    }

    /** For the report, e.g. "pipelined (depth 16), 256 connections, TLS". */
    String description() {
        return (pipelined() ? "pipelined (depth " + pipelineDepth + ")" : "not pipelined") + ", " + connections
                + " connections" + (tls ? ", TLS" : "");
    }
}
