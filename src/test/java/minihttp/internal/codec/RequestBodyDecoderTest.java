package minihttp.internal.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static minihttp.internal.codec.DecoderHarness.ALLOC;
import static minihttp.internal.codec.DecoderHarness.decode;
import static minihttp.internal.codec.DecoderHarness.unescape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import minihttp.http.Request;
import minihttp.server.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/**
 * Request bodies in the decoder: Content-Length and chunked, aggregated and streamed, split at every byte and
 * pipelined with other requests; chunked framing errors; the body limit; {@code 100-continue}.
 */
class RequestBodyDecoderTest {

    private static final Limits LIMITS = Limits.DEFAULT;

    static final String GET = "GET /pipeline HTTP/1.1\r\nHost: a\r\n\r\n";
    static final String CL_POST = "POST /baseline11?a=1&b=2 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n12345";
    static final String CHUNKED_POST = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4\r\nWiki\r\n"
            + "6;name=value;flag\r\npedia \r\n"
            + "E\r\nin \r\n\r\nchunks.\r\n"
            + "0\r\nExpires: never\r\nX-Checksum: 1\r\n\r\n";

    static final String GET_SUMMARY = "GET /pipeline HTTP/1.1|Host=a|body=|keepAlive=true";
    static final String CL_SUMMARY = "POST /baseline11?a=1&b=2 HTTP/1.1|Host=a|Content-Length=5|body=12345|keepAlive=true";
    static final String CHUNKED_SUMMARY = "POST /upload HTTP/1.1|Host=a|Transfer-Encoding=chunked"
            + "|body=Wikipedia in \r\n\r\nchunks.|keepAlive=true";

    /** Every way of cutting {@code input} into two reads must decode to the same requests. */
    private static void assertEverySplit(String input, boolean stream, String... expected) {
        for (int split = 0; split <= input.length(); split++) {
            List<String> reads = List.of(input.substring(0, split), input.substring(split));
            assertEquals(List.of(expected), decode(reads, LIMITS, stream), "split at " + split + ", stream " + stream);
        }
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void getSplitAtEveryByte(boolean stream) {
        assertEverySplit(GET, stream, GET_SUMMARY);
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void contentLengthPostSplitAtEveryByte(boolean stream) {
        assertEverySplit(CL_POST, stream, CL_SUMMARY);
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void chunkedPostSplitAtEveryByte(boolean stream) {
        assertEverySplit(CHUNKED_POST, stream, CHUNKED_SUMMARY);
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void pipelinedPairsSplitAtEveryByte(boolean stream) {
        assertEverySplit(CHUNKED_POST + GET, stream, CHUNKED_SUMMARY, GET_SUMMARY);
        assertEverySplit(GET + CHUNKED_POST, stream, GET_SUMMARY, CHUNKED_SUMMARY);
        assertEverySplit(CL_POST + CHUNKED_POST, stream, CL_SUMMARY, CHUNKED_SUMMARY);
        assertEverySplit(CHUNKED_POST + CL_POST, stream, CHUNKED_SUMMARY, CL_SUMMARY);
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void pipelinedBodiesFedOneByteAtATime(boolean stream) {
        String all = GET + CHUNKED_POST + CL_POST + GET;
        List<String> bytes = all.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        assertEquals(List.of(GET_SUMMARY, CHUNKED_SUMMARY, CL_SUMMARY, GET_SUMMARY), decode(bytes, LIMITS, stream));
    }

    @Test
    void pipelinedBatchInOneRead() {
        String batch = (CHUNKED_POST + CL_POST + GET).repeat(10);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.addAll(List.of(CHUNKED_SUMMARY, CL_SUMMARY, GET_SUMMARY));
        }
        assertEquals(expected, decode(List.of(batch), LIMITS, false));
        assertEquals(expected, decode(List.of(batch), LIMITS, true));
    }

    @Test
    void chunkSizesInEitherCaseWithLeadingZerosAndAnEmptyTrailerSection() {
        String post = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "000a\r\n0123456789\r\nA ; ext=\"quoted\"\r\nabcdefghij\r\n0\r\n\r\n";
        assertEquals(List.of("POST / HTTP/1.1|Host=a|Transfer-Encoding=Chunked|body=0123456789abcdefghij|keepAlive=true"),
                decode(List.of(post), LIMITS, false));
    }

    @Test
    void leadingZerosDoNotCountAgainstTheDigitLimits() {
        String zeros = "0".repeat(40); // 1*DIGIT and 1*HEXDIG: only the value is bounded
        String chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + zeros + "3\r\nabc\r\n" + zeros + "\r\n\r\n";
        String sized = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + zeros + "3\r\n\r\nabc";
        assertEquals(List.of("POST / HTTP/1.1|Host=a|Transfer-Encoding=chunked|body=abc|keepAlive=true"),
                decode(List.of(chunked), LIMITS, false));
        assertEquals(List.of("POST / HTTP/1.1|Host=a|Content-Length=" + zeros + "3|body=abc|keepAlive=true"),
                decode(List.of(sized), LIMITS, false));
    }

    @Test
    void transferEncodingListsMayBeSpreadOverEmptyElementsAndFields() {
        String post = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: , chunked\r\n\r\n"
                + "1\r\nx\r\n0\r\n\r\n";
        assertEquals(List.of("POST / HTTP/1.1|Host=a|Transfer-Encoding=,|Transfer-Encoding=, chunked|body=x|keepAlive=true"),
                decode(List.of(post), LIMITS, false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // Transfer-Encoding and Content-Length together, in any order or case
        "Transfer-Encoding: chunked\\r\\nContent-Length: 3                  | 400",
        "Content-Length: 3\\r\\nTransfer-Encoding: chunked                  | 400",
        "content-length: 3\\r\\ntransfer-encoding: CHUNKED                  | 400",
        // codings that do not end in chunked, or apply it twice
        "Transfer-Encoding: chunked, gzip                                   | 400",
        "Transfer-Encoding: identity                                        | 400",
        "Transfer-Encoding: chunked\\r\\nTransfer-Encoding: gzip            | 400",
        "Transfer-Encoding: chunked, chunked                                | 400",
        "Transfer-Encoding:                                                 | 400",
        "Transfer-Encoding: chunked;q=1                                     | 400",
        "Transfer-Encoding: xchunked                                        | 400",
        // codings we do not implement before a final chunked
        "Transfer-Encoding: gzip, chunked                                   | 501",
        "Transfer-Encoding: deflate\\r\\nTransfer-Encoding: chunked         | 501",
        // Content-Length that is not one plain decimal number
        "Content-Length: 3\\r\\nContent-Length: 3                           | 400",
        "Content-Length: 3\\r\\nContent-Length: 4                           | 400",
        "Content-Length: 3, 3                                               | 400",
        "Content-Length: +3                                                 | 400",
        "Content-Length: -3                                                 | 400",
        "Content-Length: 3 3                                                | 400",
        "Content-Length: 0x3                                                | 400",
        "Content-Length: 3a                                                 | 400",
        "Content-Length: 1000000000000000000000000                          | 400",
        "Content-Length: 0001000000000000000000                             | 400",   // 19 digits after the zeros
        "Content-Length:                                                    | 400",
    })
    void refusesAmbiguousFraming(String headers, int status) {
        String input = "POST / HTTP/1.1\r\nHost: a\r\n" + unescape(headers.strip()) + "\r\n\r\nabc0\r\n\r\n" + GET;
        assertEquals(List.of("ERROR " + status), decode(List.of(input), LIMITS, false));
        assertEquals(List.of("ERROR " + status), decode(List.of(input), LIMITS, true));
    }

    @Test
    void validChunkExtensionsAreIgnored() {
        String input = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2 ;\ta = b ; c ;d=\"q \\\"x\\\\ \"\r\nab\r\n1;e=\"\"\r\nc\r\n0;f\r\n\r\n";
        assertEquals(List.of("POST / HTTP/1.1|Host=a|Transfer-Encoding=chunked|body=abc|keepAlive=true"),
                decode(List.of(input), LIMITS, false));
    }

    @Test
    void transferEncodingInHttp10IsRefused() {
        String input = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        assertEquals(List.of("ERROR 400"), decode(List.of(input), LIMITS, false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "g\\r\\nx\\r\\n0\\r\\n\\r\\n                          | 400",   // not hex
        "\\r\\n0\\r\\n\\r\\n                                  | 400",   // no size
        "-1\\r\\nx\\r\\n0\\r\\n\\r\\n                         | 400",   // sign
        "+1\\r\\nx\\r\\n0\\r\\n\\r\\n                         | 400",
        "0x1\\r\\nx\\r\\n0\\r\\n\\r\\n                        | 400",   // hex prefix
        "1 1\\r\\nx\\r\\n0\\r\\n\\r\\n                        | 400",   // space inside
        "\\u00201\\r\\nx\\r\\n0\\r\\n\\r\\n                    | 400",   // leading space
        "1000000000000000\\r\\n                               | 400",   // 16 digits: could overflow
        "ffffffffffffffffff\\r\\n                             | 400",
        "0001000000000000000\\r\\n                            | 400",   // 16 digits after the zeros
        "1\\nx\\r\\n0\\r\\n\\r\\n                             | 400",   // size line without CR
        "1\\r\\nx\\n0\\r\\n\\r\\n                             | 400",   // data not followed by CRLF
        "1\\r\\nxy\\r\\n0\\r\\n\\r\\n                         | 400",   // more data than the size
        "1\\r\\nx\\r\\r\\n0\\r\\n\\r\\n                       | 400",
        "1;\\r\\nx\\r\\n0\\r\\n\\r\\n                          | 400",   // bare ;
        "1 \\r\\nx\\r\\n0\\r\\n\\r\\n                          | 400",   // whitespace without an extension
        "1;a \\r\\nx\\r\\n0\\r\\n\\r\\n                        | 400",   // whitespace after one
        "1;a=\\r\\nx\\r\\n0\\r\\n\\r\\n                        | 400",   // = without a value
        "1;a/b\\r\\nx\\r\\n0\\r\\n\\r\\n                       | 400",   // name not a token
        "1;a=b=c\\r\\nx\\r\\n0\\r\\n\\r\\n                     | 400",
        "1;a=\\u0022b\\r\\nx\\r\\n0\\r\\n\\r\\n                  | 400",   // unterminated quoted string
        "1;a=\\u0022b\\u0022c\\r\\nx\\r\\n0\\r\\n\\r\\n             | 400",
        "1;a=\\u0022\\u005c\\r\\nx\\r\\n0\\r\\n\\r\\n                  | 400",   // quoted-pair cut by the line end
        "1;a\\u0000b\\r\\nx\\r\\n0\\r\\n\\r\\n                | 400",   // NUL in an extension
        "1;a\\rb\\r\\nx\\r\\n0\\r\\n\\r\\n                    | 400",   // bare CR in an extension
        "1\\rx\\r\\n0\\r\\n\\r\\n                             | 400",
        "1\\r\\nx\\r\\n0\\r\\nBad Name: v\\r\\n\\r\\n         | 400",   // malformed trailer
        "1\\r\\nx\\r\\n0\\r\\n folded\\r\\n\\r\\n             | 400",
        "1\\r\\nx\\r\\n0\\r\\nX: a\\u0000\\r\\n\\r\\n         | 400",
        "1\\r\\nx\\r\\n0\\r\\nX: a\\n\\r\\n                   | 400",   // trailer line without CR
        "1\\r\\nx\\r\\n0\\n\\n                                | 400",
    })
    void refusesMalformedChunks(String chunks, int status) {
        String input = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + unescape(chunks.strip()) + GET;
        assertEquals(List.of("ERROR " + status), decode(List.of(input), LIMITS, false));
        // Streamed, the request was handed out at its head: its body fails, and nothing after it is decoded.
        String head = "POST / HTTP/1.1|Host=a|Transfer-Encoding=chunked";
        assertEquals(List.of(head + "|STREAM ERROR " + status), decode(List.of(input), LIMITS, true));
    }

    @Test
    void aggregatedBodiesAreLimitedButStreamedOnesAreNot() {
        Limits small = LIMITS.withMaxBody(10);
        String atLimit = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789";
        String overLimit = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n0123456789a";
        String chunkedAt = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n";
        String chunkedOver = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n6\r\n56789a\r\n0\r\n\r\n";
        assertEquals(1, decode(List.of(atLimit), small, false).size());
        assertEquals(List.of("ERROR 413"), decode(List.of(overLimit), small, false));
        assertEquals(1, decode(List.of(chunkedAt), small, false).size());
        assertEquals(List.of("ERROR 413"), decode(List.of(chunkedOver), small, false));
        assertTrue(decode(List.of(overLimit), small, true).get(0).endsWith("body=0123456789a|keepAlive=true"));
        assertTrue(decode(List.of(chunkedOver), small, true).get(0).endsWith("body=0123456789a|keepAlive=true"));
    }

    @Test
    void trailersAreLimitedLikeHeaders() {
        String trailers = "X: " + "y".repeat(LIMITS.maxHeaderBytes()) + "\r\n";
        String input = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + trailers + "\r\n";
        assertEquals(List.of("ERROR 431"), decode(List.of(input), LIMITS, false));
        // ... even while the trailer line has not ended yet: the decoder must not buffer without bound.
        assertEquals(List.of("ERROR 431"), decode(List.of(input.substring(0, input.length() - 4)), LIMITS, false));
    }

    @Test
    void aChunkSizeLineCannotGrowWithoutBound() {
        String input = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(5000);
        assertEquals(List.of("ERROR 400"), decode(List.of(input), LIMITS, false));
    }

    @Test
    void bigChunkedBodyAcrossManyReads() {
        StringBuilder chunked = new StringBuilder("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String piece = String.valueOf((char) ('a' + i % 26)).repeat(1 + i * 37 % 3000);
            body.append(piece);
            chunked.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
        }
        chunked.append("0\r\n\r\n").append(GET);
        String all = chunked.toString();
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < all.length(); i += 1021) {
            reads.add(all.substring(i, Math.min(all.length(), i + 1021)));
        }
        String expected = "POST / HTTP/1.1|Host=a|Transfer-Encoding=chunked|body=" + body + "|keepAlive=true";
        assertEquals(List.of(expected, GET_SUMMARY), decode(reads, LIMITS, false));
        assertEquals(List.of(expected, GET_SUMMARY), decode(reads, LIMITS, true));
    }

    @Test
    void continueIsDueOnceWhenTheClientWaitsForIt() {
        String head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
        RequestDecoder decoder = new RequestDecoder(ALLOC, LIMITS);
        ByteBuf read1 = ALLOC.buffer().writeBytes((GET + head).getBytes(ISO_8859_1));
        ByteBuf read2 = ALLOC.buffer().writeBytes("abc".getBytes(ISO_8859_1));
        try {
            decoder.feed(read1);
            assertEquals("/pipeline", decoder.poll().path());
            assertNull(decoder.poll());
            assertTrue(decoder.takeContinue());
            assertFalse(decoder.takeContinue(), "reported once");
            decoder.endRead();
            decoder.feed(read2);
            DecodedRequest r = decoder.poll();
            assertTrue(r.expectsContinue());
            assertEquals("abc", r.bodyAsString(ISO_8859_1));
            assertFalse(decoder.takeContinue());
            decoder.endRead();
        } finally {
            read1.release();
            read2.release();
            decoder.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // the body is already here: the client did not wait
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\na",
        // no body: nothing to continue
        "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
        // HTTP/1.0 clients do not know 100 Continue
        "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
        // too large: answered 413 without reading the body instead
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 99999999\r\n\r\n",
    })
    void continueIsNotDue(String input) {
        RequestDecoder decoder = new RequestDecoder(ALLOC, LIMITS);
        ByteBuf in = ALLOC.buffer().writeBytes(input.getBytes(ISO_8859_1));
        try {
            decoder.feed(in);
            while (decoder.poll() != null) {
                // drain
            }
            assertFalse(decoder.takeContinue());
            decoder.endRead();
        } finally {
            in.release();
            decoder.release();
        }
    }

    @Test
    void continueIsDueForChunkedAndStreamedBodies() {
        String chunked = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (boolean stream : new boolean[] {false, true}) {
            RequestDecoder decoder = new RequestDecoder(ALLOC, LIMITS, r -> stream, ReadControl.NONE);
            ByteBuf in = ALLOC.buffer().writeBytes(chunked.getBytes(ISO_8859_1));
            try {
                decoder.feed(in);
                while (decoder.poll() != null) {
                    // drain
                }
                assertTrue(decoder.takeContinue(), "streamed " + stream);
                decoder.endRead();
            } finally {
                in.release();
                decoder.release();
            }
        }
    }

    @Test
    void aStreamedBodyCannotBeReadAggregated() {
        RequestDecoder decoder = new RequestDecoder(ALLOC, LIMITS, r -> true, ReadControl.NONE);
        ByteBuf in = ALLOC.buffer().writeBytes(CL_POST.getBytes(ISO_8859_1));
        try {
            decoder.feed(in);
            DecodedRequest r = decoder.poll();
            assertTrue(r.isBodyStreamed());
            assertThrows(IllegalStateException.class, r::body);
            assertEquals(5, r.contentLength());
            List<String> pieces = new ArrayList<>();
            r.bodyStream().subscribe(b -> pieces.add(b.toString(ISO_8859_1)));
            assertNull(decoder.poll(), "the body is pushed to its stream, not returned");
            assertEquals(List.of("12345"), pieces);
            StepVerifier.create(r.bodyStream()).expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
            decoder.endRead();
        } finally {
            in.release();
            decoder.release();
        }
    }

    @Test
    void aStreamedBodyLeftUnreadIsReleasedWhenDiscarded() {
        RequestDecoder decoder = new RequestDecoder(ALLOC, LIMITS, r -> true, ReadControl.NONE);
        ByteBuf in = ALLOC.buffer().writeBytes((CHUNKED_POST + GET).getBytes(ISO_8859_1));
        try {
            decoder.feed(in);
            DecodedRequest r = decoder.poll();
            assertTrue(r.isBodyStreamed());
            ByteBuf held = decoder.detach().retain();
            DecodedRequest next = decoder.poll();
            assertEquals("/pipeline", next.path(), "the body was skipped over without a subscriber");
            decoder.endRead();
            r.discardBody(); // the leak check fails the test if the queued pieces were not released
            StepVerifier.create(r.bodyStream()).expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
            held.release();
        } finally {
            in.release();
            decoder.release();
        }
    }

    @Test
    void aConnectionClosedInsideAStreamedBodyFailsIt() {
        RequestDecoder decoder = new RequestDecoder(ALLOC, LIMITS, r -> true, ReadControl.NONE);
        ByteBuf in = ALLOC.buffer().writeBytes(CL_POST.substring(0, CL_POST.length() - 2).getBytes(ISO_8859_1));
        try {
            decoder.feed(in);
            DecodedRequest r = decoder.poll();
            List<String> pieces = new ArrayList<>();
            AtomicInteger errors = new AtomicInteger();
            r.bodyStream().subscribe(b -> pieces.add(b.toString(ISO_8859_1)), e -> errors.incrementAndGet());
            assertNull(decoder.poll());
            decoder.endRead();
            decoder.release();
            assertEquals(List.of("123"), pieces);
            assertEquals(1, errors.get());
        } finally {
            in.release();
        }
    }
}
