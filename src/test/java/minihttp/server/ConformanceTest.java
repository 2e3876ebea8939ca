package minihttp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import minihttp.app.DemoApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HTTP/1.1 conformance of the demo app over raw sockets: each malformed or ambiguous request gets its status and
 * closes (or keeps) the connection; bodies, HEAD, 100-continue, the demo routes, uploads that stream.
 */
@Timeout(60)
class ConformanceTest {

    /** Small limits, so that the limit cases stay short. */
    static final Limits LIMITS = new Limits(256, 512, 10, 64);
    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = HttpServer.create().port(0).threads(1).limits(LIMITS).handle(DemoApp.service()).bind();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawClient connect() throws IOException {
        return new RawClient(server.port());
    }

    /** A follow-up that must be answered on a connection that stays open, and never parsed after a close. */
    private static final String PROBE = "GET /pipeline HTTP/1.1\r\nHost: a\r\n\r\n";

    @ParameterizedTest(name = "{0} -> {1}, closes: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // request line
        "GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                         | 200 | false",
        "GET\\r\\n\\r\\n                                                                 | 400 | true",
        "GET  / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                        | 400 | true",
        "GET /a\\u0000b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                | 400 | true",
        "GET /a b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                      | 400 | true",
        "GET /\\u007f HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                  | 400 | true",
        "GET / HTTP/1.1\\rHost: a\\r\\n\\r\\n                                            | 400 | true",
        "BREW / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                        | 501 | false",
        "GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n                                         | 505 | true",
        "GET / HTTP/1.2\\r\\nHost: a\\r\\n\\r\\n                                         | 200 | false",
        "GET / HTTP/1.9\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n                | 200 | true",
        "GET / HTTP/0.9\\r\\nHost: a\\r\\n\\r\\n                                         | 505 | true",
        "GET / HTTX/1.1\\r\\nHost: a\\r\\n\\r\\n                                         | 400 | true",
        // leading empty lines: a few are ignored (RFC 9112 section 2.2), more are refused
        "\\r\\n\\r\\n\\n\\r\\nGET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                       | 200 | false",
        "\\r\\n\\r\\n\\r\\n\\r\\n\\r\\nGET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                 | 400 | true",
        "\\n\\n\\n\\n\\n\\n\\n\\n                                                     | 400 | true",
        // request-target forms (RFC 9112 section 3.2)
        "GET /a#b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                      | 400 | true",
        "GET * HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                         | 400 | true",
        "OPTIONS *x HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                    | 400 | true",
        "OPTIONS * HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                     | 200 | false",
        "CONNECT a:443 HTTP/1.1\\r\\nHost: a:443\\r\\n\\r\\n                             | 501 | true",
        "CONNECT / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                     | 501 | true",
        "CONNECT a:443 HTTP/1.1\\r\\nHost: a:443\\r\\nContent-Length: 5\\r\\n\\r\\nhello     | 501 | true",
        "GET a:443 HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                     | 400 | true",
        "GET a HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                         | 400 | true",
        "GET http://b/pipeline HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n                        | 200 | false",
        "GET HTTPS://b:8443?x=1 HTTP/1.1\\r\\nHost: b:8443\\r\\n\\r\\n                 | 200 | false",
        "GET http://u@b/ HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n                               | 400 | true",
        "GET http:///x HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n                                 | 400 | true",
        "GET http:/b/x HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n                                 | 400 | true",
        "GET ftp://b/x HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n                                 | 400 | true",
        // Host is uri-host [ ":" port ] (RFC 9110 section 7.2)
        "GET / HTTP/1.1\\r\\nHost: 127.0.0.1:8080\\r\\n\\r\\n                              | 200 | false",
        "GET / HTTP/1.1\\r\\nHost: [::1]:80\\r\\n\\r\\n                                   | 200 | false",
        "GET / HTTP/1.1\\r\\nHost: xn--a-b.c_d~e%41:\\r\\n\\r\\n                          | 200 | false",
        "GET / HTTP/1.1\\r\\nHost:\\r\\n\\r\\n                                             | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: u@a\\r\\n\\r\\n                                         | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a/b\\r\\n\\r\\n                                         | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a, b\\r\\n\\r\\n                                        | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a,b\\r\\n\\r\\n                                         | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a b\\r\\n\\r\\n                                         | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a:8x\\r\\n\\r\\n                                        | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: :80\\r\\n\\r\\n                                         | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: [::1\\r\\n\\r\\n                                        | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a%4\\r\\n\\r\\n                                         | 400 | true",
        "GET / HTTP/1.0\\r\\nHost: a\\u0022\\r\\n\\r\\n                                  | 400 | true",
        // host
        "GET / HTTP/1.1\\r\\n\\r\\n                                                      | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                            | 400 | true",
        "GET / HTTP/1.0\\r\\nConnection: keep-alive\\r\\n\\r\\n                         | 200 | false",
        // header syntax
        "GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n                                        | 400 | true",
        "GET / HTTP/1.1\\r\\nHost\\t: a\\r\\n\\r\\n                                      | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX: 1\\r\\n  folded\\r\\n\\r\\n                 | 400 | true",
        "GET / HTTP/1.1\\r\\n Host: a\\r\\n\\r\\n                                        | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a\\u0000\\r\\n\\r\\n                                  | 400 | true",
        "GET / HTTP/1.1\\r\\nHost: a\\rb\\r\\n\\r\\n                                     | 400 | true",
        "GET / HTTP/1.1\\r\\nHo(st: a\\r\\n\\r\\n                                        | 400 | true",
        "GET / HTTP/1.1\\r\\n: a\\r\\nHost: a\\r\\n\\r\\n                                | 400 | true",
        // connection
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n                  | 200 | true",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nConnection: Upgrade, Close\\r\\n\\r\\n         | 200 | true",
        "GET / HTTP/1.0\\r\\n\\r\\n                                                      | 200 | true",
        // bodies
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\n\\r\\nabc              | 200 | false",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;x=y\\r\\nabc\\r\\n0\\r\\nT: v\\r\\n\\r\\n | 200 | false",
        // chunk extensions (RFC 9112 section 7.1.1): checked, then ignored
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3 ; a = \\u0022q\\\\\\u0022\\u0022 ;b=c;d\\r\\nabc\\r\\n0\\r\\n\\r\\n | 200 | false",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;a=\\u0022q\\u0022;b;c=d\\r\\nabc\\r\\n0;e\\r\\n\\r\\n | 200 | false",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;a;\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;(a)=b\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;a=\\u0022b\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;a=b c\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;a=\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3;a \\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        // expectations (RFC 9110 section 10.1.1): only 100-continue
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nExpect: 100-Continue\\r\\nContent-Length: 3\\r\\n\\r\\nabc | 200 | false",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nExpect: foo\\r\\nContent-Length: 3\\r\\n\\r\\nabc | 417 | true",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nExpect: 100-continue, foo=bar\\r\\n\\r\\n              | 417 | true",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nExpect: 100-continue=1\\r\\n\\r\\n                     | 417 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 65\\r\\n\\r\\n                 | 413 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n41\\r\\n   | 413 | true",
        // smuggling (RFC 9112 section 6)
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 3\\r\\n\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 3\\r\\n\\r\\nabc | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: +3\\r\\n\\r\\nabc              | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3 \\u00203\\r\\n\\r\\nabc      | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 0x3\\r\\n\\r\\nabc             | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 18446744073709551619\\r\\n\\r\\nabc | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n0\\r\\n\\r\\n | 501 | true",
        "POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n         | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nz\\r\\n  | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nfffffffffffffffff\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabcX\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n-3\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400 | true",
    })
    void answersEachCase(String escaped, int status, boolean closes) throws Exception {
        try (RawClient client = connect()) {
            client.write(unescape(escaped.strip()) + PROBE);
            RawClient.Response response = client.read();
            assertEquals(status, response.status(), response.toString());
            if (status >= 400) {
                assertTrue(response.bodyBytes().length > 0 && response.bodyBytes().length < 200, "short text body");
            }
            if (closes) {
                assertEquals("close", response.header("Connection"), response.toString());
                assertTrue(client.closedByServer(5_000), "closed, and the probe was never answered");
            } else {
                RawClient.Response probe = client.read();
                assertEquals("ok", probe.body(), "the connection stays usable: " + probe);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "request line | GET /{x} HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                       | 414",
        "headers      | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: {x}\\r\\n\\r\\n              | 431",
        "header count | GET / HTTP/1.1\\r\\nHost: a\\r\\n{n}\\r\\n                       | 431",
        "trailers     | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\nX: {x}\\r\\n\\r\\n | 431",
    })
    void enforcesTheLimits(String name, String template, int status) throws Exception {
        String input = unescape(template.strip())
                .replace("{x}", "x".repeat(LIMITS.maxHeaderBytes()))
                .replace("{n}", "X: y\r\n".repeat(LIMITS.maxHeaders()));
        try (RawClient client = connect()) {
            client.write(input);
            RawClient.Response response = client.read();
            assertEquals(status, response.status(), response.toString());
            assertTrue(client.closedByServer(5_000));
        }
    }

    /**
     * A flood of empty lines (4 MiB; 100 MiB with -Phostile) is refused after a few of them, not read on: the server
     * answers 400 and closes, or resets the connection under the flood, long before its end.
     */
    @Test
    void aFloodOfEmptyLinesIsRefusedAfterAFew() throws Exception {
        long flood = Boolean.getBoolean("minihttp.hostile") ? 100L << 20 : 4L << 20;
        byte[] block = "\r\n".repeat(32 * 1024).getBytes(ISO_8859_1);
        try (RawClient client = connect()) {
            try {
                for (long sent = 0; sent < flood; sent += block.length) {
                    client.write(block);
                }
            } catch (IOException reset) {
                // the server closed with the flood unread: expected
            }
            boolean refused;
            try {
                RawClient.Response response = client.read();
                assertEquals(400, response.status(), response.toString());
                refused = client.closedByServer(5_000);
            } catch (SocketTimeoutException stillReading) {
                refused = false;
            } catch (IOException closed) {
                refused = true; // reset before the 400 could be read
            }
            assertTrue(refused, "the flood was read on, unanswered");
        }
    }

    @Test
    void earlierPipelinedResponsesAreSentBeforeTheError() throws Exception {
        try (RawClient client = connect()) {
            client.write(PROBE + "POST /baseline11?a=1&b=2 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n3"
                    + "GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n" + PROBE);
            assertEquals("ok", client.read().body());
            assertEquals("6", client.read().body());
            assertEquals(400, client.read().status());
            assertTrue(client.closedByServer(5_000));
        }
    }

    @Test
    void chunkedAndContentLengthPostsSplitAcrossWritesOnOneConnection() throws Exception {
        String chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;e=1\r\nabcd\r\n2\r\nef\r\n0\r\nT: 1\r\n\r\n";
        String upload = "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabcdef";
        try (RawClient client = connect()) {
            for (String pair : List.of(chunked + PROBE, upload + PROBE)) {
                byte[] bytes = pair.getBytes(ISO_8859_1);
                for (int split = 1; split < bytes.length; split += 3) {
                    client.writeSplit(bytes, new int[] {split}, 2);
                    RawClient.Response first = client.read();
                    assertEquals(pair.startsWith("POST / ") ? "abcdef" : "6", first.body(), "split at " + split);
                    assertEquals("ok", client.read().body(), "split at " + split);
                }
            }
        }
    }

    @Test
    void demoRoutes() throws Exception {
        try (RawClient client = connect()) {
            client.write("GET /baseline11?a=13&b=42 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /baseline11?a=13&b=42 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n20"
                    + "POST /baseline11?a=1&b=2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n3\r\n1\r\n9\r\n0\r\n\r\n"
                    + "GET /json HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /echo HTTP/1.1\r\nHost: a\r\nX-Test: one two\r\n\r\n"
                    + "OPTIONS / HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /baseline11?a=x&b=1 HTTP/1.1\r\nHost: a\r\n\r\n");
            List<RawClient.Response> r = client.read(8);
            assertEquals("55", r.get(0).body());
            assertEquals("text/plain", r.get(0).header("Content-Type"));
            assertEquals("75", r.get(1).body());
            assertEquals("42", r.get(2).body());
            assertEquals("{\"message\":\"Hello, World!\"}", r.get(3).body());
            assertEquals("application/json", r.get(3).header("Content-Type"));
            assertEquals("Host: a\nX-Test: one two\n", r.get(4).body());
            assertEquals(200, r.get(5).status());
            assertEquals("GET, HEAD, POST, OPTIONS", r.get(5).header("Allow"));
            assertEquals("hello", r.get(6).body());
            assertEquals(400, r.get(7).status());
        }
    }

    @Test
    void optionsAsteriskIsTheServersAnswerAbsoluteFormRoutesOnItsPathAndConnectIsNotImplemented() throws Exception {
        try (RawClient client = connect()) {
            client.write("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET http://other/baseline11?a=1&b=2 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n" + PROBE);
            RawClient.Response options = client.read();
            assertEquals(200, options.status(), options.toString());
            assertEquals("GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH", options.header("Allow"));
            assertEquals("3", client.read().body());
            assertEquals(501, client.read().status());
            assertTrue(client.closedByServer(5_000), "what follows a CONNECT is a tunnel's, not a request");
        }
    }

    /** An error answering a HEAD has no content (RFC 9110 section 9.3.2), as HEAD's answers never have. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "HEAD / HTTP/1.1\\r\\nHost: a\\r\\nExpect: foo\\r\\n\\r\\n                  | 417",
        "HEAD / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                      | 400",
        "HEAD / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 99999999\\r\\n\\r\\n     | 413",
        "HEAD / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n                                 | 505",
        "HEAD /a#b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                               | 400",
        "HEAD / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | 501",
    })
    void anErrorAnsweringHeadHasNoContent(String escaped, int status) throws Exception {
        try (RawClient client = connect()) {
            client.write(unescape(escaped.strip()));
            String raw = readRaw(client, "\u0000\u0000"); // not sent: read up to the close
            assertTrue(raw.startsWith("HTTP/1.1 " + status + " "), raw);
            assertTrue(raw.endsWith("\r\n\r\n"), "content after the head: " + raw);
            assertTrue(raw.contains("\r\nContent-Length: "), raw);
        }
    }

    @Test
    void headGetsTheHeadersOfGetWithoutTheBody() throws Exception {
        try (RawClient client = connect()) {
            client.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            RawClient.Response get = client.read();
            // RawClient reads Content-Length bytes of body, so a HEAD answer must be told apart: read it raw.
            client.write("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n" + PROBE);
            String raw = readRaw(client, "ok");
            String head = raw.substring(0, raw.indexOf("\r\n\r\n") + 4);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("Content-Length: " + get.bodyBytes().length + "\r\n"), head);
            String after = raw.substring(head.length());
            assertTrue(after.startsWith("HTTP/1.1 200 OK\r\n"), "no body after the HEAD response: " + after);
        }
    }

    @Test
    void continueIsSentBeforeTheBodyIsRead() throws Exception {
        try (RawClient client = connect()) {
            client.write("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", readRaw(client, "\r\n\r\n"));
            client.write("hello");
            assertEquals("hello", client.read().body());
            // A body over the limit is refused without reading it: no 100 Continue, a final status, and close.
            client.write("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n");
            assertEquals(413, client.read().status());
            assertTrue(client.closedByServer(5_000));
        }
    }

    @Test
    void continueIsSentForAStreamedUpload() throws Exception {
        try (RawClient client = connect()) {
            client.write("POST /upload HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", readRaw(client, "\r\n\r\n"));
            client.write("4\r\nabcd\r\n0\r\n\r\n");
            assertEquals("4", client.read().body());
        }
    }

    @Test
    void malformedChunkInAStreamedUploadIsAnsweredOnceAndCloses() throws Exception {
        try (RawClient client = connect()) {
            client.write("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nzz\r\n" + PROBE);
            RawClient.Response answer = client.read();
            assertEquals(400, answer.status());
            // Its service answered (the head was handed to it before the chunk failed): the answer says close.
            assertEquals("close", answer.header("Connection"), answer.toString());
            assertTrue(client.closedByServer(5_000));
        }
        try (RawClient client = connect()) { // the head and the bad chunk in separate reads
            client.write("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n");
            Thread.sleep(200);
            client.write("zz\r\n" + PROBE);
            RawClient.Response answer = client.read();
            assertEquals(400, answer.status());
            assertEquals("close", answer.header("Connection"), answer.toString());
            assertTrue(client.closedByServer(5_000));
        }
    }

    @Test
    void uploadsOf32MiBStreamPlainAndChunked() throws Exception {
        int size = 32 * 1024 * 1024; // far over the 64-byte aggregated limit: the upload must stream
        byte[] block = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(block);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n").getBytes(ISO_8859_1));
            for (int sent = 0; sent < size; sent += block.length) {
                out.write(block);
            }
            out.write(("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(ISO_8859_1));
            byte[] size1 = (Integer.toHexString(block.length) + "\r\n").getBytes(ISO_8859_1);
            for (int sent = 0; sent < size; sent += block.length) {
                out.write(size1);
                out.write(block);
                out.write("\r\n".getBytes(ISO_8859_1));
            }
            out.write(("0\r\n\r\n" + PROBE).getBytes(ISO_8859_1));
            out.flush();
            String raw = new String(socket.getInputStream().readNBytes(1), ISO_8859_1);
            java.io.InputStream in = socket.getInputStream();
            StringBuilder all = new StringBuilder(raw);
            while (countOf(all, "HTTP/1.1 200 OK") < 3 || !all.toString().endsWith("ok")) {
                int b = in.read();
                assertFalse(b < 0, "closed early: " + all);
                all.append((char) b);
            }
            String text = all.toString();
            assertEquals(2, countOf(all, "\r\n\r\n" + size), text);
        }
    }

    private static int countOf(CharSequence s, String what) {
        int n = 0;
        for (int i = s.toString().indexOf(what); i >= 0; i = s.toString().indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Reads raw bytes until they end with {@code end}. */
    private static String readRaw(RawClient client, String end) throws IOException {
        StringBuilder s = new StringBuilder();
        while (!s.toString().endsWith(end)) {
            int b = client.readByte();
            if (b < 0) {
                break;
            }
            s.append((char) b);
        }
        return s.toString();
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")
                .replace("\\u0000", "\u0000").replace("\\u007f", "\u007f").replace("\\u0020", " ")
                .replace("\\u0022", "\"").replace("\\\\", "\\");
    }
}
