package minihttp.internal.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import minihttp.server.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoders of one thread share one request object and one set of parsers between requests (an idle connection
 * holds neither): each request still names its own connection's peer, a head, a body or empty lines split across
 * reads keep their own, and a detached request is never handed to another decoder.
 */
class SpareRequestTest {

    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final Peer ALICE = new Peer(new InetSocketAddress("10.0.0.1", 1001), null, "http");
    private static final Peer BOB = new Peer(new InetSocketAddress("10.0.0.2", 1002), null, "https");

    private RequestDecoder alice;
    private RequestDecoder bob;

    @BeforeEach
    void decoders() {
        alice = new RequestDecoder(ALLOC, Limits.DEFAULT, request -> false, ReadControl.NONE, ALICE);
        bob = new RequestDecoder(ALLOC, Limits.DEFAULT, request -> false, ReadControl.NONE, BOB);
    }

    @AfterEach
    void release() {
        alice.release();
        bob.release();
    }

    @Test
    void aRequestObjectPassesBetweenConnectionsButNamesTheRightPeer() {
        DecodedRequest first = read(alice, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
                request -> assertEquals(ALICE.remote(), request.remoteAddress()));
        DecodedRequest second = read(bob, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n", request -> {
            assertEquals(BOB.remote(), request.remoteAddress());
            assertEquals("https", request.scheme());
            assertEquals("/b", request.path());
        });
        assertSame(first, second, "alice's read ended between requests: bob takes the thread's spare");
    }

    @Test
    void aHeadSplitAcrossReadsKeepsItsObjectWhileAnotherConnectionDecodes() {
        read(alice, "GET /split HTTP/1.1\r\nHo", request -> assertNull(request));
        read(bob, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n", request -> assertEquals("/other", request.path()));
        read(alice, "st: x\r\nAccept: */*\r\n\r\n", request -> {
            assertEquals("/split", request.path());
            assertEquals("*/*", request.header("Accept"));
            assertEquals(ALICE.remote(), request.remoteAddress());
        });
    }

    @Test
    void aDetachedRequestIsNotHandedToAnotherDecoder() {
        ByteBuf[] keptBytes = new ByteBuf[1];
        // Detached and retained, as a connection does for a request whose response is still being computed.
        DecodedRequest kept = read(alice, "GET /kept HTTP/1.1\r\nHost: x\r\n\r\n",
                request -> keptBytes[0] = alice.detach().retain());
        DecodedRequest other = read(bob, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n",
                request -> assertEquals("/next", request.path()));
        assertNotSame(kept, other);
        assertEquals("/kept", kept.path());
        assertEquals(ALICE.remote(), kept.remoteAddress());
        keptBytes[0].release();
    }

    @Test
    void theParsersPassBetweenConnectionsBetweenRequests() {
        read(alice, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", request -> assertNotNull(alice.parsers()));
        Parsers alices = lastParsers(alice);
        assertNull(alice.parsers(), "alice is between requests: her parsers went back to the thread");
        read(bob, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n", request -> {
            assertSame(alices, bob.parsers());
            assertEquals("/b", request.path());
        });
    }

    @Test
    void aChunkedBodySplitAcrossReadsKeepsItsParsersWhileAnotherConnectionDecodes() {
        read(alice, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                request -> assertNull(request));
        Parsers alices = alice.parsers();
        assertNotNull(alices, "alice is in a body");
        read(bob, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n", request -> {
            assertNotSame(alices, bob.parsers());
            assertEquals("/other", request.path());
        });
        read(alice, "lo\r\n0\r\n\r\n", request -> {
            assertEquals("/up", request.path());
            assertEquals("hello", request.body().toString(ISO_8859_1));
        });
        assertNull(alice.parsers());
    }

    @Test
    void emptyLinesBeforeARequestLineAreCountedAcrossReadsAndConnections() {
        read(alice, "\r\n\r\n\r\n", request -> assertNull(request));
        assertTrue(alice.hasPartialRequest());
        assertNotNull(alice.parsers(), "the empty lines taken so far are alice's");
        read(bob, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n", request -> assertEquals("/b", request.path()));
        read(alice, "\r\n\r\n", request -> assertNull(request));
        assertTrue(alice.failed(), "five empty lines in all are more than a request line may follow");
        assertFalse(bob.failed());
    }

    /** Decodes one more request with {@code decoder} and returns the parsers it had meanwhile. */
    private static Parsers lastParsers(RequestDecoder decoder) {
        Parsers[] seen = new Parsers[1];
        read(decoder, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n", request -> seen[0] = decoder.parsers());
        return seen[0];
    }

    /**
     * Feeds {@code text} to {@code decoder} as one read, hands the request it polls (or null) to {@code check}
     * while the read lasts, and returns it.
     */
    private static DecodedRequest read(RequestDecoder decoder, String text, Consumer<DecodedRequest> check) {
        ByteBuf read = ALLOC.directBuffer().writeBytes(text.getBytes(ISO_8859_1));
        try {
            decoder.feed(read);
            DecodedRequest request = decoder.poll();
            check.accept(request);
            decoder.endRead();
            return request;
        } finally {
            read.release();
        }
    }
}
