package minihttp.internal.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static minihttp.internal.codec.DecoderHarness.ALLOC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import minihttp.server.Limits;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;

/** A streamed body's backpressure reaches the reads, and each piece is released once delivered. */
class BodyStreamTest {

    private static final int BODY = 1024 * 1024;
    private static final int READ = 16 * 1024;

    @Test
    void aLaggingSubscriberPausesReadingUntilItCatchesUp() {
        AtomicInteger pauses = new AtomicInteger();
        AtomicInteger resumes = new AtomicInteger();
        ReadControl control = counting(pauses, resumes);
        RequestDecoder decoder = new RequestDecoder(ALLOC, Limits.DEFAULT, r -> true, control);
        AtomicLong received = new AtomicLong();
        BaseSubscriber<ByteBuf> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                // no demand yet
            }

            @Override
            protected void hookOnNext(ByteBuf piece) {
                assertEquals(1, piece.refCnt(), "lent for onNext only");
                received.addAndGet(piece.readableBytes());
            }
        };
        try {
            byte[] head = ("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + BODY + "\r\n\r\n").getBytes(ISO_8859_1);
            ByteBuf in = ALLOC.directBuffer(head.length).writeBytes(head);
            decoder.feed(in);
            DecodedRequest r = decoder.poll();
            r.bodyStream().subscribe(slow);
            assertNull(decoder.poll());
            decoder.endRead();
            in.release();
            int sent = 0;
            while (pauses.get() == 0 && sent < BODY) {
                sent += feedBody(decoder, READ);
            }
            assertEquals(1, pauses.get(), "paused once the queue passed the high watermark");
            assertTrue(sent <= BodyStream.HIGH_WATERMARK + READ, "paused after " + sent + " bytes");
            slow.request(1);
            assertEquals(0, resumes.get(), "one piece is not enough to catch up");
            slow.request(Long.MAX_VALUE);
            assertEquals(1, resumes.get(), "resumed once drained");
            while (sent < BODY) {
                sent += feedBody(decoder, READ);
            }
            assertEquals(BODY, received.get());
            assertTrue(slow.isDisposed(), "the body completed");
        } finally {
            decoder.release();
        }
    }

    /** A read control that counts its pauses and resumes. */
    private static ReadControl counting(AtomicInteger pauses, AtomicInteger resumes) {
        return new ReadControl() {
            @Override
            public void pauseReads() {
                pauses.incrementAndGet();
            }

            @Override
            public void resumeReads() {
                resumes.incrementAndGet();
            }
        };
    }

    private static int feedBody(RequestDecoder decoder, int length) {
        feed(decoder, new byte[length]);
        return length;
    }

    private static void feed(RequestDecoder decoder, byte[] bytes) {
        ByteBuf in = ALLOC.directBuffer(bytes.length).writeBytes(bytes);
        try {
            decoder.feed(in);
            assertNull(decoder.poll(), "body bytes go to the stream");
            decoder.endRead();
        } finally {
            in.release();
        }
    }

    /** A body of tiny pieces pauses reading after a bounded count of them, not after 128 KiB of one-byte pieces. */
    @Test
    void tinyPiecesCountAtLeastTheirOverhead() {
        AtomicInteger pauses = new AtomicInteger();
        ReadControl control = counting(pauses, new AtomicInteger());
        BodyStream stream = new BodyStream(control);
        int queued = 0;
        try {
            while (pauses.get() == 0 && queued < 100_000) {
                stream.next(ALLOC.directBuffer(1).writeByte('x'));
                queued++;
            }
            assertEquals(1, pauses.get());
            assertTrue(queued <= BodyStream.HIGH_WATERMARK / BodyStream.MIN_PIECE_CHARGE + 1, queued + " pieces queued");
        } finally {
            stream.subscribe(piece -> { }, error -> { }, () -> { }, s -> s.cancel()); // releases what is queued
        }
    }

    /**
     * Pieces still queued when the subscriber cancels are released once, by the stream, even when a hook
     * downstream (a response streaming this body back, whose batch releases what it drops) would release them too.
     */
    @Test
    void queuedPiecesAreReleasedOnceOnCancelWhateverHooksAreDownstream() {
        BodyStream stream = new BodyStream(ReadControl.NONE);
        java.util.List<ByteBuf> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ByteBuf piece = ALLOC.directBuffer(8).writeLong(i);
            pieces.add(piece);
            stream.next(piece); // queued: nobody asks for it
        }
        AtomicInteger downstreamReleases = new AtomicInteger();
        reactor.core.Disposable subscription = stream
                .doOnDiscard(ByteBuf.class, piece -> {
                    downstreamReleases.incrementAndGet();
                    piece.release();
                })
                .subscribe(piece -> { }, error -> { }, () -> { }, s -> { }); // asks for nothing
        subscription.dispose();
        for (ByteBuf piece : pieces) {
            assertEquals(0, piece.refCnt(), "a queued piece was not released");
        }
        assertEquals(0, downstreamReleases.get(), "the downstream hook released pieces the stream had released");
    }
}
