package minihttp.server;

import static minihttp.server.EndToEndTest.assertPlaintext;
import static minihttp.server.EndToEndTest.assertResponse;
import static minihttp.server.EndToEndTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real command line in its own JVM, stopped by a signal while requests are in flight: every request it read is
 * answered (the last response on each connection says {@code Connection: close}), idle connections are closed, and
 * the process exits with the JVM's status for the signal (143, 130).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliShutdownTest {

    private static final Pattern READY = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");

    private Process process;
    private final OpenedClients closeables = new OpenedClients();

    @AfterEach
    void stop() throws Exception {
        closeables.closeAll();
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code java minihttp.app.Main} on a free port with the test's classpath; returns the port. */
    private int startCli(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("minihttp.app.Main", "--port", "0", "--threads", "1"));
        command.addAll(List.of(args));
        return start(command);
    }

    /** Starts {@code java MAIN ARGS...} with the test's classpath; returns the port of its ready line. */
    private int start(List<String> mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        command.addAll(mainAndArgs);
        File log = Files.createTempFile("minihttp-cli", ".log").toFile();
        log.deleteOnExit();
        process = new ProcessBuilder(command).redirectError(log).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine(); // the ready line comes first; the process's timeout bounds the wait
        assertNotNull(line, "the CLI exited before listening: " + Files.readString(log.toPath()));
        Matcher m = READY.matcher(line);
        assertTrue(m.find(), "not a ready line: " + line);
        return Integer.parseInt(m.group(1));
    }

    private RawClient connect(int port) throws IOException {
        RawClient client = new RawClient(port, 15_000);
        closeables.add(client);
        return client;
    }

    @Test
    void sigtermUnderLoadAnswersEveryRequestReadAndExitsZero() throws Exception {
        int port = startCli("--shutdown-timeout", "15s");
        List<RawClient> busy = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RawClient c = connect(port);
            c.write(get("/delay?ms=3000") + get("/delay?ms=100"));
            busy.add(c);
        }
        List<RawClient> idle = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RawClient c = connect(port);
            c.write(get("/plaintext"));
            assertPlaintext(c.read());
            idle.add(c);
        }
        Thread.sleep(1_000); // the busy requests are read (they take 3 s to answer)

        process.destroy(); // SIGTERM
        for (RawClient c : idle) {
            assertTrue(c.closedByServer(3_000), "idle connection not closed on SIGTERM");
        }
        for (RawClient c : busy) {
            assertResponse(c.read(), 200, "OK", "delayed 3000 ms\n");
            assertResponse(c.read(), 200, "OK", "delayed 100 ms\n", "Connection", "close");
            assertTrue(c.closedByServer(3_000), "busy connection not closed after its last response");
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the CLI did not exit");
        assertEquals(128 + 15, process.exitValue(), "the JVM's status after SIGTERM, once its drain hook is done");
    }

    @Test
    void sigintStopsItToo() throws Exception {
        int port = startCli();
        // A process started in the background by a non-interactive shell inherits SIGINT ignored, and the JVM keeps
        // it so; only then is there nothing to test.
        Assumptions.assumeFalse(sigintIgnored(process.pid()), "SIGINT is ignored in this process (inherited)");
        RawClient c = connect(port);
        c.write(get("/plaintext"));
        assertPlaintext(c.read());
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertTrue(c.closedByServer(5_000), "connection not closed on SIGINT");
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the CLI did not exit");
        assertEquals(128 + 2, process.exitValue(), "the JVM's status after SIGINT, once its drain hook is done");
    }

    /** Reads the ignored-signal mask of {@code pid} from {@code /proc}; SIGINT is signal 2. */
    private static boolean sigintIgnored(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        Assumptions.assumeTrue(Files.exists(status), "no /proc here");
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    /**
     * A service that exits the JVM on the event loop, with the server draining on shutdown: the hook stops the
     * server while that loop waits in {@code System.exit} for the hook. The wait for the loops is bounded, so the
     * process ends (it hung for good).
     */
    @Test
    void anExitOnTheEventLoopWithADrainingHookStillEndsTheProcess() throws Exception {
        int port = start(List.of("minihttp.server.ExitingApp"));
        RawClient client = connect(port);
        client.write("GET /exit HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the process did not end");
        assertEquals(3, process.exitValue());
    }
}
