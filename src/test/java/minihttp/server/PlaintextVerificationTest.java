package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import minihttp.app.DemoApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TechEmpower plaintext test's verification rules, checked against the demo app over a real socket:
 * status, exact body, required headers, Content-Type pattern, Content-Length, and a current, changing Date.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PlaintextVerificationTest {

    private static final String REQUEST = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n"
            + "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n"
            + "Connection: keep-alive\r\n\r\n";
    private static final Pattern CONTENT_TYPE = Pattern.compile("^text/plain(; ?charset=(UTF|utf)-8)?$");

    private RunningServer server;

    @BeforeEach
    void start() {
        server = HttpServer.create().port(0).threads(1).handle(DemoApp.service()).bind();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static void verify(RawClient.Response r) {
        assertAll(r.toString(),
                () -> assertEquals(200, r.status(), "status"),
                () -> assertEquals("Hello, World!", r.body(), "body"),
                () -> assertNotNull(r.header("Server"), "Server header"),
                () -> assertFalse(r.header("Server").isBlank(), "Server header value"),
                () -> assertNotNull(r.header("Date"), "Date header"),
                () -> assertNotNull(r.header("Content-Type"), "Content-Type header"),
                () -> assertTrue(CONTENT_TYPE.matcher(r.header("Content-Type")).matches(),
                        "Content-Type " + r.header("Content-Type")),
                () -> assertEquals("13", r.header("Content-Length"), "Content-Length"),
                () -> assertEquals(13, r.bodyBytes().length, "body length"),
                () -> assertEquals(0, r.count("Transfer-Encoding"), "no Transfer-Encoding with Content-Length"),
                () -> assertFalse("close".equalsIgnoreCase(r.header("Connection")), "keep-alive"));
    }

    static Instant date(RawClient.Response r) {
        return ZonedDateTime.parse(r.header("Date"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    }

    static void assertCurrent(Instant date) {
        long skewMs = Math.abs(date.toEpochMilli() - System.currentTimeMillis());
        // Date has whole seconds, so it can trail the clock by up to 1 s; allow one more for a slow machine.
        assertTrue(skewMs <= 2_000, "Date " + date + " is " + skewMs + " ms away from now");
    }

    @Test
    void plaintextPassesTheVerificationRules() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(REQUEST);
            RawClient.Response r = client.read();
            verify(r);
            assertCurrent(date(r));
        }
    }

    @Test
    void pipelinedPlaintextPassesTheVerificationRules() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(REQUEST.repeat(16));
            List<RawClient.Response> responses = client.read(16);
            for (RawClient.Response r : responses) {
                verify(r);
                assertCurrent(date(r));
            }
            assertFalse(client.closedByServer(100), "keep-alive connection was closed");
        }
    }

    @Test
    void dateChangesOverTime() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(REQUEST);
            RawClient.Response first = client.read();
            verify(first);
            Thread.sleep(3_000);
            client.write(REQUEST);
            RawClient.Response second = client.read();
            verify(second);
            assertCurrent(date(first).plusSeconds(3)); // the first was current when it was sent
            assertCurrent(date(second));
            assertNotEquals(first.header("Date"), second.header("Date"));
            long apartS = date(second).getEpochSecond() - date(first).getEpochSecond();
            assertTrue(apartS >= 2 && apartS <= 5, "Dates " + apartS + " s apart");
        }
    }
}
