package minihttp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * wrk as the harness runs it: one thread, TechEmpower's request headers and timeout, the pipelining script for the
 * pipelined scenarios, pinned as asked; a run's output parsed.
 */
final class Wrk {

    /** What TechEmpower's plaintext test sends, so the parsers do the same work as there. */
    private static final List<String> TECHEMPOWER_HEADERS = List.of(
            "Host: localhost",
            "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7",
            "Connection: keep-alive");
    private static final String THREADS = "1";
    /** As TechEmpower's; wrk's default of 2s would count slow responses at 16k connections as errors. */
    private static final String TIMEOUT = "8s";
    /** wrk stops itself after -d; this only bounds a wrk that hangs. */
    private static final long GRACE_SECONDS = 30;

    /** The executable; null when wrk is not installed. */
    private final String executable;
    private final Path script;
    private final Pinning pinning;

    Wrk(String executable, Path script, Pinning pinning) {
        this.executable = executable;
        this.script = script;
        this.pinning = pinning;
    }

    /** The command of a run, pinned as asked. */
    List<String> command(Scenario scenario, int seconds, String url) {
        return pinning.wrk(command(executable, scenario, seconds, url));
    }

    /** The command as the report shows it: {@code wrk} by name, {@code url} as given. */
    List<String> shown(Scenario scenario, int seconds, String url) {
        return pinning.wrk(command("wrk", scenario, seconds, url));
    }

    private List<String> command(String wrk, Scenario scenario, int seconds, String url) {
        List<String> command = new ArrayList<>(List.of(wrk, "-t" + THREADS, "-c" + scenario.connections(),
                "-d" + seconds + "s", "--timeout", TIMEOUT, "--latency"));
        TECHEMPOWER_HEADERS.forEach(header -> command.addAll(List.of("-H", header)));
        if (scenario.pipelined()) {
            command.addAll(List.of("-s", script.toString(), url, "--", Integer.toString(scenario.pipelineDepth())));
        } else {
            command.add(url);
        }
        return command;
    }

    /**
     * Runs {@code scenario} against {@code url} for {@code seconds}; {@code needResponses}: a run without a response
     * fails (the measured one; a cold server may answer nothing in a warm-up).
     */
    WrkResult run(Scenario scenario, int seconds, String url, boolean needResponses)
            throws IOException, InterruptedException {
        // Output goes to a file rather than a pipe so a hung wrk cannot block the harness past the timeout.
        Path log = Files.createTempFile("wrk-", ".txt");
        try {
            Process process = new ProcessBuilder(FdLimit.wrap(command(scenario, seconds, url)))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(seconds + GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException("wrk did not finish within " + (seconds + GRACE_SECONDS) + "s");
            }
            String output = Files.readString(log);
            if (process.exitValue() != 0) {
                throw new IOException("wrk exited with " + process.exitValue() + ":\n" + output);
            }
            WrkResult result = WrkResult.parse(output);
            if (needResponses && result.requests() == 0) {
                throw new IOException("no response in " + seconds + "s: is the server answering that URL?\n"
                        + output);
            }
            return result;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** wrk's version line, for the report. */
    String version() throws InterruptedException {
        if (executable == null) {
            return "not on PATH (not run)";
        }
        try {
            Process process = new ProcessBuilder(executable, "-v").redirectErrorStream(true).start();
            String first = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .findFirst().orElse("unknown");
            process.waitFor();
            return first.replaceFirst("\\s*Copyright.*", "");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
