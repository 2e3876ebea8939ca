package minihttp.internal.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static minihttp.internal.codec.ResponseEncoder.ConnectionHeader.CLOSE;
import static minihttp.internal.codec.ResponseEncoder.ConnectionHeader.KEEP_ALIVE;
import static minihttp.internal.codec.ResponseEncoder.ConnectionHeader.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import minihttp.http.HttpStatus;
import minihttp.http.Request;
import minihttp.http.Response;
import org.junit.jupiter.api.Test;

/** The bytes the encoder writes, the Date cache, and the header checks of the response builder. */
class ResponseEncoderTest {

    private static final byte[] DATE = "Sun, 22 Nov 2026 08:00:00 GMT".getBytes(US_ASCII);

    private static String encode(Response response, ResponseEncoder.ConnectionHeader connection) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
        try {
            ResponseEncoder.encode(response, out, DATE, connection);
            return out.toString(US_ASCII);
        } finally {
            out.release();
        }
    }

    @Test
    void encodesAPlaintextResponse() {
        assertEquals("HTTP/1.1 200 OK\r\nServer: minihttp\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
                + "Date: Sun, 22 Nov 2026 08:00:00 GMT\r\n\r\nHello, World!", encode(Response.text("Hello, World!"), NONE));
    }

    @Test
    void noContentAndNotModifiedEndAtTheirHeadWhateverTheBodyGiven() {
        String head = "Server: minihttp\r\nContent-Type: text/plain\r\nDate: Sun, 22 Nov 2026 08:00:00 GMT\r\n\r\n";
        assertEquals("HTTP/1.1 204 No Content\r\n" + head, encode(Response.text(HttpStatus.NO_CONTENT, "gone"), NONE));
        HttpStatus notModified = HttpStatus.of(304, "Not Modified");
        assertEquals("HTTP/1.1 304 Not Modified\r\n" + head, encode(Response.text(notModified, "same"), NONE));
        ByteBuf body = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes("held".getBytes(US_ASCII));
        Response fromBuffer = Response.status(HttpStatus.NO_CONTENT).body(body);
        assertEquals(0, body.refCnt(), "the body it will not send is released");
        assertTrue(encode(fromBuffer, NONE).endsWith("GMT\r\n\r\n"));
        EncodedResponse streamed = (EncodedResponse) Response.status(HttpStatus.NO_CONTENT)
                .bodyText(reactor.core.publisher.Flux.just("never sent"));
        assertEquals(null, streamed.stream(), "a stream it will not send is not subscribed");
        assertEquals("HTTP/1.1 204 No Content\r\nServer: minihttp\r\nDate: Sun, 22 Nov 2026 08:00:00 GMT\r\n\r\n",
                encode(streamed, NONE));
    }

    @Test
    void anInterimStatusIsNoResponse() {
        assertThrows(IllegalArgumentException.class, () -> Response.status(HttpStatus.CONTINUE).empty());
        assertThrows(IllegalArgumentException.class, () -> Response.text(HttpStatus.of(103, "Early Hints"), "x"));
    }

    @Test
    void aResponseAnsweredAgainIsWrittenWholeWithTheCurrentDate() {
        // The second encode in one second builds the whole encoding and later ones copy it: the bytes must not
        // change, a Connection header must still be added, and a new second's Date must show.
        Response response = Response.text("Hello, World!");
        String expected = encode(response, NONE);
        for (int i = 0; i < 3; i++) {
            assertEquals(expected, encode(response, NONE));
        }
        assertTrue(encode(response, CLOSE).contains("\r\nConnection: close\r\n"));
        byte[] nextSecond = "Sun, 22 Nov 2026 08:00:01 GMT".getBytes(US_ASCII);
        for (int i = 0; i < 3; i++) {
            ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
            try {
                ResponseEncoder.encode(response, out, nextSecond, NONE);
                assertEquals(expected.replace("08:00:00", "08:00:01"), out.toString(US_ASCII));
            } finally {
                out.release();
            }
        }
    }

    @Test
    void addsConnectionCloseWhenTheConnectionEnds() {
        String encoded = encode(Response.text(HttpStatus.BAD_REQUEST, "bad\n"), CLOSE);
        assertTrue(encoded.startsWith("HTTP/1.1 400 Bad Request\r\n"), encoded);
        assertTrue(encoded.contains("\r\nConnection: close\r\n"), encoded);
        assertTrue(encoded.endsWith("\r\n\r\nbad\n"), encoded);
    }

    @Test
    void announcesKeepAliveToHttp10() {
        String encoded = encode(Response.text("ok"), KEEP_ALIVE);
        assertTrue(encoded.contains("\r\nConnection: keep-alive\r\n"), encoded);
        assertTrue(encoded.endsWith("\r\n\r\nok"), encoded);
    }

    @Test
    void writesAndReleasesAByteBufBody() {
        ByteBuf body = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes("{}".getBytes(US_ASCII));
        Response response = Response.status(HttpStatus.CREATED).header("X-A", "b").body(body);
        String encoded = encode(response, NONE);
        assertEquals(0, body.refCnt());
        assertEquals("HTTP/1.1 201 Created\r\nServer: minihttp\r\nX-A: b\r\nContent-Length: 2\r\n"
                + "Date: Sun, 22 Nov 2026 08:00:00 GMT\r\n\r\n{}", encoded);
    }

    @Test
    void countsBodyBytesNotCharacters() {
        assertTrue(encode(Response.text("é"), NONE).contains("Content-Length: 2\r\n"));
    }

    @Test
    void refusesHeadersThatWouldSplitTheResponse() {
        assertThrows(IllegalArgumentException.class, () -> Response.status(HttpStatus.OK).header("X", "a\r\nY: b"));
        assertThrows(IllegalArgumentException.class, () -> Response.status(HttpStatus.OK).header("Content-Length", "1"));
        // The server's to decide: a close it did not decide would be said and not done.
        assertThrows(IllegalArgumentException.class, () -> Response.status(HttpStatus.OK).header("Connection", "close"));
        assertThrows(IllegalArgumentException.class, () -> Response.text("x").withHeader("connection", "close"));
        assertThrows(IllegalArgumentException.class, () -> HttpStatus.of(299, "x\r\n"));
    }

    /** Names are tokens and values field text (RFC 9110 section 5): what a client would misread is refused. */
    @Test
    void refusesHeaderNamesThatAreNoTokensAndValuesWithControls() {
        for (String name : new String[] {"X A", "X-A: y", "Content-Length ", "X\u00e9", "", "X\u0000"}) {
            assertThrows(IllegalArgumentException.class, () -> Response.status(HttpStatus.OK).header(name, "v"), name);
        }
        for (String value : new String[] {"a\u0000b", "a\u007fb", "\u20ac", "a\u0001"}) {
            assertThrows(IllegalArgumentException.class, () -> Response.text("x").withHeader("X-A", value), value);
        }
        assertEquals("a\tb \u00e9!", Response.status(HttpStatus.OK).header("X-A", "a\tb \u00e9!").empty().header("X-A"));
        assertThrows(IllegalArgumentException.class, () -> HttpStatus.of(299, "A\u0000B"));
        assertThrows(IllegalArgumentException.class, () -> HttpStatus.of(600, "Six"));
        assertThrows(IllegalArgumentException.class, () -> HttpStatus.of(99, "Low"));
        assertThrows(NullPointerException.class, () -> HttpStatus.of(299, null));
        assertEquals(HttpStatus.of(418, "I'm a teapot"), HttpStatus.of(418, "I'm a teapot"));
        assertEquals(HttpStatus.of(418, "I'm a teapot").hashCode(), HttpStatus.of(418, "I'm a teapot").hashCode());
    }

    /** A 205 has no content (RFC 9110 section 15.3.6), and says so with Content-Length: 0. */
    @Test
    void resetContentSendsNoContent() {
        HttpStatus reset = HttpStatus.of(205, "Reset Content");
        String expected = "HTTP/1.1 205 Reset Content\r\nServer: minihttp\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 0\r\nDate: Sun, 22 Nov 2026 08:00:00 GMT\r\n\r\n";
        assertEquals(expected, encode(Response.text(reset, "dropped"), NONE));
        EncodedResponse streamed = (EncodedResponse) Response.status(reset).contentType("text/plain")
                .bodyText(reactor.core.publisher.Flux.just("never sent"));
        assertEquals(null, streamed.stream(), "a stream it will not send is not subscribed");
        assertEquals(expected, encode(streamed, NONE));
    }

    @Test
    void dateIsAnImfFixdateOfNow() {
        String date = new String(DateCache.bytes(), US_ASCII);
        assertEquals(29, date.length(), date);
        ZonedDateTime parsed = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME);
        long skew = Math.abs(parsed.toEpochSecond() - System.currentTimeMillis() / 1000);
        assertTrue(skew <= 1, "date " + date + " is " + skew + " s off");
    }

    @Test
    void dateChangesWithTheSecond() throws InterruptedException {
        byte[] before = DateCache.bytes();
        Thread.sleep(1100);
        assertNotEquals(new String(before, US_ASCII), new String(DateCache.bytes(), US_ASCII));
    }
}
