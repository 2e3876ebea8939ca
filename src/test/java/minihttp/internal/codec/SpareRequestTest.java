package minihttp.internal.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import minihttp.server.Limits;

/**
 * The decoders of one thread share one request object between requests (an idle connection holds none): each
 * request still names its own connection's peer, a head split across reads keeps its own object, and a detached
 * request is never handed to another decoder.
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
        ByteBuf read = bytes("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        alice.feed(read);
        DecodedRequest first = alice.poll();
        assertEquals(ALICE.remote(), first.remoteAddress());
        alice.endRead();
        read.release();

        read = bytes("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        bob.feed(read);
        DecodedRequest second = bob.poll();
        assertSame(first, second, "alice's read ended between requests: bob takes the thread's spare");
        assertEquals(BOB.remote(), second.remoteAddress());
        assertEquals("https", second.scheme());
        assertEquals("/b", second.path());
        bob.endRead();
        read.release();
    }

    @Test
    void aHeadSplitAcrossReadsKeepsItsObjectWhileAnotherConnectionDecodes() {
        ByteBuf start = bytes("GET /split HTTP/1.1\r\nHo");
        alice.feed(start);
        assertNull(alice.poll());
        alice.endRead();
        start.release();

        ByteBuf other = bytes("GET /other HTTP/1.1\r\nHost: x\r\n\r\n");
        bob.feed(other);
        assertEquals("/other", bob.poll().path());
        bob.endRead();
        other.release();

        ByteBuf rest = bytes("st: x\r\nAccept: */*\r\n\r\n");
        alice.feed(rest);
        DecodedRequest split = alice.poll();
        assertEquals("/split", split.path());
        assertEquals("*/*", split.header("Accept"));
        assertEquals(ALICE.remote(), split.remoteAddress());
        alice.endRead();
        rest.release();
    }

    @Test
    void aDetachedRequestIsNotHandedToAnotherDecoder() {
        ByteBuf read = bytes("GET /kept HTTP/1.1\r\nHost: x\r\n\r\n");
        alice.feed(read);
        DecodedRequest kept = alice.poll();
        ByteBuf keptBytes = alice.detach().retain(); // as a connection does for a response still being computed
        alice.endRead();
        read.release();

        ByteBuf next = bytes("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        bob.feed(next);
        DecodedRequest other = bob.poll();
        assertNotSame(kept, other);
        assertEquals("/next", other.path());
        bob.endRead();
        next.release();

        assertEquals("/kept", kept.path());
        assertEquals(ALICE.remote(), kept.remoteAddress());
        keptBytes.release();
    }

    private static ByteBuf bytes(String text) {
        return ALLOC.directBuffer().writeBytes(text.getBytes(ISO_8859_1));
    }
}
