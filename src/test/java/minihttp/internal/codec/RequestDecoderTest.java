package minihttp.internal.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.server.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The decoder over reads split at every byte, pipelined batches, partial heads and malformed input. */
class RequestDecoderTest {

    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private static final String GET = "GET /plaintext?a=1&b=x%20y HTTP/1.1\r\n"
            + "Host: localhost\r\n"
            + "Accept: text/plain\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";
    private static final String POST = "POST /echo HTTP/1.1\r\n"
            + "host: localhost\r\n"
            + "content-length: 11\r\n"
            + "\r\n"
            + "hello world";

    /**
     * Decodes the given reads the way a connection does: each read is a pooled buffer that is released as soon
     * as its requests are handled, so a decoder that kept a view into a released read would fail loudly.
     * Emits one summary per request, and {@code ERROR <status>} when decoding fails.
     */
    private static Flux<String> decode(List<String> reads) {
        return Flux.defer(() -> {
            RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
            return Flux.fromIterable(reads)
                    .concatMapIterable(read -> {
                        ByteBuf in = ALLOC.directBuffer().writeBytes(read.getBytes(ISO_8859_1));
                        List<String> out = new ArrayList<>();
                        try {
                            decoder.feed(in);
                            Request r;
                            while ((r = decoder.poll()) != null) {
                                out.add(summary(r));
                            }
                            if (decoder.failed()) {
                                out.add("ERROR " + decoder.errorStatus().code());
                            }
                            decoder.endRead();
                        } finally {
                            in.release();
                        }
                        return out;
                    })
                    .doFinally(s -> decoder.release());
        });
    }

    private static String summary(Request r) {
        StringBuilder s = new StringBuilder(r.toString());
        for (int i = 0; i < r.headerCount(); i++) {
            s.append('|').append(r.headerName(i)).append('=').append(r.headerValue(i));
        }
        s.append("|body=").append(r.bodyAsString(UTF_8)).append("|keepAlive=").append(r.keepAlive());
        return s.toString();
    }

    private static final String GET_SUMMARY = "GET /plaintext?a=1&b=x%20y HTTP/1.1|Host=localhost|Accept=text/plain"
            + "|Connection=keep-alive|body=|keepAlive=true";
    private static final String POST_SUMMARY = "POST /echo HTTP/1.1|host=localhost|content-length=11"
            + "|body=hello world|keepAlive=true";

    @Test
    void decodesOneRequest() {
        StepVerifier.create(decode(List.of(GET))).expectNext(GET_SUMMARY).verifyComplete();
    }

    @Test
    void decodesAPipelinedBatchInOneRead() {
        String batch = (GET + POST).repeat(8);
        StepVerifier.create(decode(List.of(batch)))
                .expectNextSequence(Flux.just(GET_SUMMARY, POST_SUMMARY).repeat(7).toIterable())
                .verifyComplete();
    }

    @Test
    void decodesAPipelinedPairSplitAtEveryByte() {
        String pair = GET + POST;
        for (int split = 0; split <= pair.length(); split++) {
            StepVerifier.create(decode(List.of(pair.substring(0, split), pair.substring(split))))
                    .as("split at " + split)
                    .expectNext(GET_SUMMARY, POST_SUMMARY)
                    .verifyComplete();
        }
    }

    @Test
    void decodesAPipelinedPairSplitAtEveryPairOfBytes() {
        String pair = POST + GET;
        int n = pair.length();
        for (int i = 0; i <= n; i += 7) {
            for (int j = i; j <= n; j += 2) {
                StepVerifier.create(decode(List.of(pair.substring(0, i), pair.substring(i, j), pair.substring(j))))
                        .as("split at " + i + " and " + j)
                        .expectNext(POST_SUMMARY, GET_SUMMARY)
                        .verifyComplete();
            }
        }
    }

    @Test
    void decodesRequestsFedOneByteAtATime() {
        String pipelined = GET + POST + GET;
        List<String> bytes = pipelined.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        StepVerifier.create(decode(bytes)).expectNext(GET_SUMMARY, POST_SUMMARY, GET_SUMMARY).verifyComplete();
    }

    @Test
    void waitsForTheEndOfAPartialHead() {
        String partial = GET.substring(0, GET.length() - 2);
        StepVerifier.create(decode(List.of(partial))).verifyComplete();
        StepVerifier.create(decode(List.of(partial, "\r\n"))).expectNext(GET_SUMMARY).verifyComplete();
    }

    @Test
    void waitsForTheWholeBody() {
        String headOnly = POST.substring(0, POST.length() - 5);
        StepVerifier.create(decode(List.of(headOnly))).verifyComplete();
        StepVerifier.create(decode(List.of(headOnly, "world"))).expectNext(POST_SUMMARY).verifyComplete();
    }

    @Test
    void ignoresEmptyLinesBeforeARequestAndAcceptsBareLf() {
        StepVerifier.create(decode(List.of("\r\n\r\nGET / HTTP/1.1\nHost: a\n\n")))
                .expectNext("GET / HTTP/1.1|Host=a|body=|keepAlive=true")
                .verifyComplete();
    }

    @Test
    void takesTheOtherTargetFormsAndTheirHost() {
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
        ByteBuf in = ALLOC.buffer().writeBytes(("GET http://b:80/p/q?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET HTTPS://[::1] HTTP/1.1\r\nHost: a\r\n\r\n"
                + "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /p HTTP/1.1\r\nHost: a:8080\r\n\r\n"
                + "\r\n\r\n\r\n\r\nGET /p HTTP/1.0\r\n\r\n").getBytes(ISO_8859_1));
        try {
            decoder.feed(in);
            DecodedRequest absolute = decoder.poll();
            assertEquals("/p/q", absolute.path());
            assertTrue(absolute.pathEquals("/p/q"));
            assertEquals("x=1", absolute.query());
            assertEquals("b:80", absolute.host(), "the target's authority overrides Host");
            assertEquals("http://b:80/p/q?x=1", absolute.uri());
            assertFalse(absolute.isAsteriskForm());
            DecodedRequest emptyPath = decoder.poll(); // the same object, filled again: each is checked before the next
            assertEquals("/", emptyPath.path(), "an empty path is /");
            assertTrue(emptyPath.pathEquals("/"));
            assertTrue(emptyPath.pathEquals("/".getBytes(ISO_8859_1)));
            assertEquals("[::1]", emptyPath.host());
            DecodedRequest asterisk = decoder.poll();
            assertTrue(asterisk.isAsteriskForm());
            DecodedRequest origin = decoder.poll();
            assertEquals("a:8080", origin.host());
            assertFalse(origin.isAsteriskForm());
            DecodedRequest afterEmptyLines = decoder.poll();
            assertNull(afterEmptyLines.host());
            assertNull(decoder.poll());
            assertFalse(decoder.failed());
            decoder.endRead();
        } finally {
            in.release();
            decoder.release();
        }
    }

    @Test
    void emptyLinesBeforeARequestAreCountedAcrossReadsAndMakeAPartialRequest() {
        StepVerifier.create(decode(List.of("\r\n\r", "\n\n", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")))
                .expectNext("ERROR 400").verifyComplete();
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
        ByteBuf in = ALLOC.buffer().writeBytes("\r\n".getBytes(ISO_8859_1));
        try {
            assertFalse(decoder.hasPartialRequest());
            decoder.feed(in);
            assertNull(decoder.poll());
            decoder.endRead();
            assertTrue(decoder.hasPartialRequest(), "an empty line starts the wait for a head");
        } finally {
            in.release();
            decoder.release();
        }
    }

    @Test
    void decidesKeepAliveFromVersionAndConnection() {
        StepVerifier.create(decode(List.of(
                        "GET / HTTP/1.0\r\n\r\n",
                        "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
                        "GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n")))
                .expectNext("GET / HTTP/1.0|body=|keepAlive=false")
                .expectNext("GET / HTTP/1.0|Connection=Keep-Alive|body=|keepAlive=true")
                .expectNext("GET / HTTP/1.1|Host=a|Connection=foo, close|body=|keepAlive=false")
                .verifyComplete();
    }

    @Test
    void stopsAtTheFirstMalformedRequest() {
        StepVerifier.create(decode(List.of(GET + "BROKEN\r\n\r\n" + GET)))
                .expectNext(GET_SUMMARY, "ERROR 400")
                .verifyComplete();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "GET\\r\\n\\r\\n                                           | 400",
        "GET /\\r\\n\\r\\n                                         | 400",
        "GET  / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                  | 400",
        "GET / HTTP/1.1 \\r\\nHost: a\\r\\n\\r\\n                  | 400",
        "GET /a b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                | 400",
        "GET / HTTP/1.1x\\r\\nHost: a\\r\\n\\r\\n                  | 400",
        "GET / HTTP/1.1\\r\\r\\nHost: a\\r\\n\\r\\n                | 400",
        "GET / HTTP/1.\\r\\nHost: a\\r\\n\\r\\n                   | 400",
        "G(T / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                   | 400",
        "GET /a\\u0001b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n          | 400",
        "GET / HTTP/1.1\\rHost: a\\r\\n\\r\\n                      | 400",
        "GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n                  | 400",
        "GET / HTTP/1.1\\r\\n: a\\r\\nHost: a\\r\\n\\r\\n          | 400",
        "GET / HTTP/1.1\\r\\nNoColon\\r\\nHost: a\\r\\n\\r\\n      | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\r\\n b\\r\\n\\r\\n | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\u0000b\\r\\n\\r\\n           | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\rb\\r\\n\\r\\n               | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\u007fb\\r\\n\\r\\n           | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\t\\u0001\\r\\n\\r\\n    | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nX: a\\r\\r\\n\\r\\n        | 400",
        "GET / HTTP/1.1\\r\\n\\r\\n                                | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n      | 400",
        "GET / HTTP/1.0\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n      | 400",
        "\\r\\n\\n\\r\\n\\n\\r\\nGET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n  | 400",
        "GET /a#b HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                | 400",
        "HEAD * HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                   | 400",
        "GET a.b:80 HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n              | 400",
        "GET http://a@b/ HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n          | 400",
        "GET http://b:x/ HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n          | 400",
        "GET http:// HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n              | 400",
        "GET mailto:a@b HTTP/1.1\\r\\nHost: b\\r\\n\\r\\n           | 400",
        "GET / HTTP/1.1\\r\\nHost: \\r\\n\\r\\n                      | 400",
        "GET / HTTP/1.1\\r\\nHost: a@b\\r\\n\\r\\n                   | 400",
        "GET / HTTP/1.1\\r\\nHost: a,b\\r\\n\\r\\n                   | 400",
        "GET / HTTP/1.1\\r\\nHost: a:1:2\\r\\n\\r\\n                 | 400",
        "GET / HTTP/1.1\\r\\nHost: []\\r\\n\\r\\n                    | 400",
        "GET / HTTP/1.1\\r\\nHost: [::1]x\\r\\n\\r\\n                | 400",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nExpect: 200-ok\\r\\n\\r\\n   | 417",
        "GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n                   | 505",
        "GET / HTTP/3.1\\r\\nHost: a\\r\\n\\r\\n                   | 505",
        "GET / HTTQ/1.1\\r\\nHost: a\\r\\n\\r\\n                   | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: -1\\r\\n\\r\\n              | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: +1\\r\\n\\r\\nx             | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 0x1\\r\\n\\r\\n             | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1 1\\r\\n\\r\\n             | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1,1\\r\\n\\r\\n             | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 1\\r\\nContent-Length: 1\\r\\n\\r\\nx | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2000000\\r\\n\\r\\n        | 413",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 1\\r\\n\\r\\n | 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | 501",
    })
    void answersMalformedInputWithAnErrorStatus(String escaped, int status) {
        String input = unescape(escaped.strip());
        StepVerifier.create(decode(List.of(input))).expectNext("ERROR " + status).verifyComplete();
        // Behind a request in the same read, where lines are parsed before their end is looked for.
        StepVerifier.create(decode(List.of("GET / HTTP/1.1\r\nHost: a\r\n\r\n" + input)))
                .expectNext("GET / HTTP/1.1|Host=a|body=|keepAlive=true")
                .expectNext("ERROR " + status).verifyComplete();
    }

    @Test
    void takesARequestLineUpToTheLimitWhicheverItsLineEnding() {
        int max = Limits.DEFAULT.maxRequestLine();
        String target = "/" + "a".repeat(max - "GET  HTTP/1.1".length() - 1);
        String atLimit = "GET " + target + " HTTP/1.1";
        assertEquals(max, atLimit.length());
        for (String ending : List.of("\r\n", "\n")) {
            // Behind another request in the same read, as the first line of a read is found another way.
            String first = "GET / HTTP/1.1" + ending + "Host: a" + ending + ending;
            StepVerifier.create(decode(List.of(first + atLimit + ending + "Host: a" + ending + ending)))
                    .expectNext("GET / HTTP/1.1|Host=a|body=|keepAlive=true")
                    .expectNext("GET " + target + " HTTP/1.1|Host=a|body=|keepAlive=true").verifyComplete();
            StepVerifier.create(decode(List.of(first + "GET /" + target + " HTTP/1.1" + ending + "Host: a" + ending + ending)))
                    .expectNext("GET / HTTP/1.1|Host=a|body=|keepAlive=true")
                    .expectNext("ERROR 414").verifyComplete();
        }
    }

    @Test
    void enforcesTheLimits() {
        Limits limits = Limits.DEFAULT;
        String longTarget = "GET /" + "a".repeat(limits.maxRequestLine()) + " HTTP/1.1\r\nHost: a\r\n\r\n";
        StepVerifier.create(decode(List.of(longTarget))).expectNext("ERROR 414").verifyComplete();
        // Without a line end in sight, the limit still applies: the decoder must not buffer without bound.
        StepVerifier.create(decode(List.of(longTarget.substring(0, limits.maxRequestLine() + 10))))
                .expectNext("ERROR 414").verifyComplete();
        String manyHeaders = "GET / HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(limits.maxHeaders()) + "\r\n";
        StepVerifier.create(decode(List.of(manyHeaders))).expectNext("ERROR 431").verifyComplete();
        String bigHeader = "GET / HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(limits.maxHeaderBytes()) + "\r\n\r\n";
        StepVerifier.create(decode(List.of(bigHeader))).expectNext("ERROR 431").verifyComplete();
    }

    @Test
    void looksUpHeadersAndQueryWithoutCaringForCase() {
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
        ByteBuf in = ALLOC.heapBuffer().writeBytes(GET.getBytes(ISO_8859_1));
        try {
            decoder.feed(in);
            DecodedRequest r = decoder.poll();
            assertEquals(Method.GET, r.method());
            assertEquals("/plaintext", r.path());
            assertTrue(r.pathEquals("/plaintext"));
            assertFalse(r.pathEquals("/plaintex"));
            assertEquals("a=1&b=x%20y", r.query());
            assertEquals("1", r.queryParam("a"));
            assertEquals("x y", r.queryParam("b"));
            assertNull(r.queryParam("c"));
            assertEquals("localhost", r.header("HOST"));
            assertTrue(r.hasHeader("accept"));
            assertTrue(r.headerEquals("connection", "Keep-Alive"));
            assertNull(r.header("Content-Length"));
            assertEquals(0, r.body().readableBytes());
            assertTrue(r.isHttp11());
            decoder.endRead();
        } finally {
            in.release();
            decoder.release();
        }
    }

    @Test
    void decodesQueryValuesAsFormValuesAndKeepsMalformedEscapesAsSent() {
        String get = "GET /q?a=%zz&b=x%41+y&c=%E2%82%AC&d=%&e=%4&f=%c3%a9&g=%ff&h HTTP/1.1\r\nHost: a\r\n\r\n";
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
        ByteBuf in = ALLOC.heapBuffer().writeBytes(get.getBytes(ISO_8859_1));
        try {
            decoder.feed(in);
            DecodedRequest r = decoder.poll();
            assertEquals("%zz", r.queryParam("a"));
            assertEquals("xA y", r.queryParam("b"));
            assertEquals("\u20ac", r.queryParam("c"));
            assertEquals("%", r.queryParam("d"));
            assertEquals("%4", r.queryParam("e"));
            assertEquals("\u00e9", r.queryParam("f"));
            assertEquals("\ufffd", r.queryParam("g")); // not UTF-8
            assertEquals("", r.queryParam("h"));
            decoder.endRead();
        } finally {
            in.release();
            decoder.release();
        }
    }

    /**
     * A head that declares a large body makes the decoder hold what has arrived, not what was declared: 60 bytes
     * must not reserve a megabyte (400 such heads held 536 MiB before). The buffer grows with the body.
     */
    @Test
    void aDeclaredBodyIsHeldAsItArrivesNotReservedByItsHead() {
        int length = Limits.DEFAULT.maxBody();
        String head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + length + "\r\n\r\n";
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
        int received = 0;
        try {
            for (int read = 0; read < 6; read++) {
                ByteBuf in = ALLOC.directBuffer();
                in.writeBytes((read == 0 ? head + "body" : "x".repeat(100 << read)).getBytes(ISO_8859_1));
                received += in.readableBytes();
                try {
                    decoder.feed(in);
                    assertNull(decoder.poll());
                    decoder.endRead();
                } finally {
                    in.release();
                }
                assertTrue(decoder.cumulationCapacity() <= Math.max(2 * received, 1024),
                        received + " bytes received, " + decoder.cumulationCapacity() + " held");
            }
        } finally {
            decoder.release();
        }
    }

    @Test
    void aContentLengthBodyIsGatheredInABufferOfItsSizeNotTwiceIt() {
        int length = Limits.DEFAULT.maxBody(); // at the limit: doubling would hold 2 MiB for it
        String head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + length + "\r\n\r\n";
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
        int sent = 0;
        try {
            for (int read = 0; sent < length; read++) {
                int n = Math.min(64 * 1024, length - sent);
                ByteBuf in = ALLOC.directBuffer();
                if (read == 0) {
                    in.writeBytes(head.getBytes(ISO_8859_1));
                }
                in.writeZero(n);
                sent += n;
                try {
                    decoder.feed(in);
                    DecodedRequest r = decoder.poll();
                    if (sent < length) {
                        assertNull(r);
                        assertTrue(decoder.cumulationCapacity() <= length + length / 4,
                                "a " + length + "-byte body held in " + decoder.cumulationCapacity() + " bytes");
                    } else {
                        assertEquals(length, r.body().readableBytes());
                    }
                    decoder.endRead();
                } finally {
                    in.release();
                }
            }
        } finally {
            decoder.release();
        }
    }

    @Test
    void aDetachedRequestOutlivesItsRead() {
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT);
        String first = POST + GET.substring(0, 10);
        ByteBuf read1 = ALLOC.directBuffer().writeBytes(first.getBytes(ISO_8859_1));
        decoder.feed(read1);
        DecodedRequest detached = decoder.poll();
        ByteBuf held = decoder.detach().retain();
        assertNull(decoder.poll());
        decoder.endRead();
        read1.release();

        ByteBuf read2 = ALLOC.directBuffer().writeBytes(GET.substring(10).getBytes(ISO_8859_1));
        decoder.feed(read2);
        DecodedRequest next = decoder.poll();
        assertEquals(GET_SUMMARY, summary(next));
        decoder.endRead();
        read2.release();

        assertEquals(POST_SUMMARY, summary(detached));
        held.release();
        decoder.release();
    }

    @Test
    void keepsTabsAndObsTextInValuesAndTrimsTheirWhitespace() {
        String input = "GET / HTTP/1.1\r\nHost: a\r\nX: \t a\tb \u00e9\t \r\nY:\r\n\r\n";
        StepVerifier.create(decode(List.of(input)))
                .expectNext("GET / HTTP/1.1|Host=a|X=a\tb \u00e9|Y=|body=|keepAlive=true")
                .verifyComplete();
    }

    @Test
    void decodersOfOneThreadTakeTurnsWithTheirScratchWindow() {
        // A thread's connections share the window lines are parsed in: a decoder that another one interrupted
        // between two polls of a read must not parse that one's bytes as its own.
        RequestDecoder a = new RequestDecoder(ALLOC, Limits.DEFAULT);
        RequestDecoder b = new RequestDecoder(ALLOC, Limits.DEFAULT);
        ByteBuf readA = ALLOC.directBuffer().writeBytes((GET + POST + GET).getBytes(ISO_8859_1));
        ByteBuf readB = ALLOC.directBuffer().writeBytes((POST + GET.substring(0, 30)).getBytes(ISO_8859_1));
        try {
            a.feed(readA);
            assertEquals(GET_SUMMARY, summary(a.poll()));
            b.feed(readB);
            assertEquals(POST_SUMMARY, summary(b.poll()));
            assertEquals(POST_SUMMARY, summary(a.poll()));
            assertNull(b.poll());
            assertEquals(GET_SUMMARY, summary(a.poll()));
            assertNull(a.poll());
            a.endRead();
            b.endRead();
        } finally {
            readA.release();
            readB.release();
            a.release();
            b.release();
        }
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000").replace("\\u0001", "\u0001")
                .replace("\\u007f", "\u007f").replace("\\t", "\t");
    }
}
