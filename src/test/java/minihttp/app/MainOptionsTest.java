package minihttp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import minihttp.server.HttpServer;
import minihttp.server.Listeners;
import minihttp.server.Pipeline;
import minihttp.server.RunningServer;
import minihttp.server.Timeouts;
import minihttp.server.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command line: every flag is documented, parsed into the server it describes, and bad combinations fail. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MainOptionsTest {

    private static final String[] FLAGS = {"--host", "--port", "--threads", "--transport", "--reuseport", "--backlog",
        "--[no-]nodelay", "--rcvbuf", "--sndbuf", "--unsent-limit", "--allocator", "--tls", "--tls-port", "--cert", "--key", "--tls-provider", "--idle-timeout",
        "--header-timeout", "--body-timeout", "--min-body-rate", "--min-body-rate-grace", "--shutdown-timeout", "--max-body", "--pipeline", "--access-log", "--metrics", "--help"};

    private static HttpServer configure(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.server();
    }

    @Test
    void pipelineIsBatchedUnlessSimpleIsAsked() {
        assertEquals(Pipeline.BATCHED, configure().pipeline());
        assertEquals(Pipeline.SIMPLE, configure("--pipeline", "simple").pipeline());
        assertThrows(CommandLine.ParameterException.class, () -> configure("--pipeline", "fast"));
    }

    @Test
    void versionIsThePomsVersion() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("--version");
        assertEquals(0, exit);
        // The build filters the pom's version in; an unfiltered resource would still say ${project.version}.
        assertTrue(out.toString().matches("minihttp \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), out.toString());
    }

    @Test
    void helpDocumentsEveryFlag() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("--help");
        assertEquals(0, exit);
        for (String flag : FLAGS) {
            assertTrue(out.toString().contains(flag), flag + " missing from --help:\n" + out);
        }
    }

    @Test
    void flagsDescribeTheServerThatBinds() throws Exception {
        HttpServer configured = configure("--port", "0", "--threads", "2", "--transport", "nio", "--reuseport",
                "--backlog", "64", "--no-nodelay", "--rcvbuf", "65536", "--sndbuf", "65536",
                "--tls-port", "0", "--tls-provider", "jdk");
        try (RunningServer server = configured.handle(DemoApp.service()).bind()) {
            assertEquals(Transport.NIO, server.transport());
            assertEquals(4, Listeners.of(server).size(), "2 loops x 2 ports with reuseport");
            assertNotEquals(-1, server.plainPort());
            assertNotEquals(-1, server.tlsPort());
            assertTrue(server.readyLine().contains("(2 event loops, nio, reuseport, TLS jdk, certificate SHA-256 "),
                    server.readyLine());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.plainPort() + "/blocking?ms=50"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("slept 50 ms\n", r.body());
        }
    }

    @Test
    void maxBodyBoundsAggregatedBodies() throws Exception {
        try (RunningServer server = configure("--port", "0", "--threads", "1", "--max-body", "100")
                .handle(DemoApp.service()).bind()) {
            HttpClient client = HttpClient.newHttpClient();
            URI echo = URI.create("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> small = client.send(HttpRequest.newBuilder(echo)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100))).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, small.statusCode());
            assertEquals("x".repeat(100), small.body());
            HttpResponse<String> large = HttpClient.newHttpClient().send(HttpRequest.newBuilder(echo)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(101))).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, large.statusCode());
        }
    }

    @Test
    void minBodyRateFlagsSetTheTimeouts() {
        Timeouts timeouts = configure("--min-body-rate", "100", "--min-body-rate-grace", "1500ms").timeouts();
        assertEquals(100, timeouts.minBodyRate());
        assertEquals(Duration.ofMillis(1_500), timeouts.minBodyRateGrace());
        assertEquals(0, configure("--min-body-rate", "0").timeouts().minBodyRate(), "0 turns the check off");
        assertEquals(Timeouts.DEFAULT_MIN_BODY_RATE, configure().timeouts().minBodyRate());
        assertThrows(CommandLine.ParameterException.class, () -> configure("--min-body-rate", "-1"));
        assertThrows(CommandLine.ParameterException.class, () -> configure("--min-body-rate-grace", "0s"));
    }

    @Test
    void badCombinationsAreUsageErrors() {
        assertThrows(CommandLine.ParameterException.class, () -> configure("--cert", "cert.pem"));
        assertThrows(CommandLine.ParameterException.class, () -> configure("--transport", "kqueue"));
        assertThrows(CommandLine.ParameterException.class, () -> configure("--tls", "--tls-provider", "gnutls"));
        assertThrows(CommandLine.ParameterException.class, () -> configure("--threads", "0"));
        // The study pipeline tells no listener: a log or metrics asked for would stay silent.
        assertThrows(CommandLine.ParameterException.class, () -> configure("--pipeline", "simple", "--access-log"));
        assertThrows(CommandLine.ParameterException.class, () -> configure("--pipeline", "simple", "--metrics"));
    }

    @Test
    void aServerThatCannotStartSaysWhyInOneLineAndExitsWithStatusOne() throws Exception {
        assertThrows(Main.StartFailure.class,
                () -> configure("--cert", "/nonexistent/cert.pem", "--key", "/nonexistent/key.pem"));
        try (RunningServer busy = HttpServer.create().port(0).threads(1).handle(r -> null).bind()) {
            String[][] cases = {
                {"cannot listen on 127.0.0.1:" + busy.port() + ": address already in use",
                    "--port", Integer.toString(busy.port()), "--threads", "1"},
                {"cannot listen on 203.0.113.7:0: address not available here", "--host", "203.0.113.7", "--port", "0"},
                {"cannot use the certificate /nonexistent/cert.pem and key /nonexistent/key.pem: ",
                    "--cert", "/nonexistent/cert.pem", "--key", "/nonexistent/key.pem"},
            };
            for (String[] c : cases) {
                StringWriter err = new StringWriter();
                int exit = new CommandLine(new Main()).setErr(new PrintWriter(err))
                        .execute(java.util.Arrays.copyOfRange(c, 1, c.length));
                assertEquals(1, exit, err.toString());
                String[] lines = err.toString().strip().split("\\R");
                assertEquals(1, lines.length, err.toString());
                assertTrue(lines[0].startsWith(c[0]), lines[0]);
            }
        }
        StringWriter err = new StringWriter();
        assertEquals(2, new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("--port", "abc"));
        assertTrue(err.toString().contains("Usage:"), err.toString());
    }
}
