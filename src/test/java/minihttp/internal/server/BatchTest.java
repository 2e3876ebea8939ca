package minihttp.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The batch alone, without sockets: responses that complete out of order go out in request order, a
 * {@code 100 Continue} behind ready responses is flushed before the pending ones, and a batch cancelled or never
 * sent releases everything it holds (the paranoid leak detector and reference counts check it).
 */
class BatchTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** More queued responses than flatMapSequential subscribes to at once (256): some are still in its source. */
    private static final int MANY = 300;

    /** The read's bytes, which a pending request holds; the test keeps one reference of its own. */
    private final ByteBuf input = ALLOC.directBuffer(64).writeBytes("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    @AfterEach
    void releaseInput() {
        assertEquals(1, input.refCnt(), "the batch released what it held of the read");
        input.release();
    }

    @Test
    void responsesCompletingOutOfOrderAreEncodedInRequestOrder() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        Sinks.One<Response> second = Sinks.one();
        batch.addPending(Mono.delay(Duration.ofMillis(50)).map(tick -> text("first")), input, ConnectionHeader.NONE, false);
        batch.addPending(second.asMono(), input, ConnectionHeader.NONE, false);
        batch.addReady(text("third"), ConnectionHeader.NONE);
        assertTrue(batch.hasPending());

        StepVerifier.create(batch.whenEncoded())
                .then(() -> second.tryEmitValue(text("second"))) // completes before the first
                .assertNext(done -> assertBodies(output(done), "first", "second", "third"))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void failedAndEmptyResultsAreAnsweredInTheirPlace() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        Sinks.One<Response> empty = Sinks.one();
        batch.addPending(Mono.error(new IllegalStateException("expected by the test")), input, ConnectionHeader.NONE, false);
        batch.addPending(empty.asMono(), input, ConnectionHeader.NONE, false);
        batch.addReady(text("last"), ConnectionHeader.NONE);

        StepVerifier.create(batch.whenEncoded())
                .then(empty::tryEmitEmpty)
                .assertNext(done -> {
                    String out = output(done);
                    assertTrue(out.startsWith("HTTP/1.1 500 "), out);
                    assertBodies(out, "Internal Server Error\n", "Internal Server Error: no response\n", "last");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aContinueBehindReadyResponsesIsFlushedBeforeThePendingOnes() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        Sinks.One<Response> pending = Sinks.one();
        batch.addReady(text("ready"), ConnectionHeader.NONE);
        batch.addContinue();
        batch.addPending(pending.asMono(), input, ConnectionHeader.NONE, false);

        StepVerifier.create(batch.whenEncoded())
                .assertNext(first -> {
                    String out = output(first);
                    assertBodies(out, "ready");
                    assertTrue(out.endsWith("HTTP/1.1 100 Continue\r\n\r\n"), out);
                })
                .then(() -> pending.tryEmitValue(text("later")))
                .assertNext(rest -> {
                    String out = output(rest);
                    assertTrue(out.startsWith("HTTP/1.1 200 "), out);
                    assertBodies(out, "later");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aContinueQueuedBehindPendingResponsesKeepsItsPlace() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        Sinks.One<Response> first = Sinks.one();
        Sinks.One<Response> second = Sinks.one();
        batch.addPending(first.asMono(), input, ConnectionHeader.NONE, false);
        batch.addContinue();
        batch.addPending(second.asMono(), input, ConnectionHeader.NONE, false);
        batch.addContinue(); // the head read last: its client waits for this

        StringBuilder sent = new StringBuilder();
        StepVerifier.create(batch.whenEncoded())
                .then(() -> second.tryEmitValue(text("second")))
                .then(() -> first.tryEmitValue(text("first")))
                // Each 100 Continue leaves with the response before it: its client waits for it to send a body.
                .assertNext(done -> assertTrue(output(done).endsWith("first" + "HTTP/1.1 100 Continue\r\n\r\n")))
                .thenConsumeWhile(done -> sent.append(output(done)) != null)
                .expectComplete()
                .verify(TIMEOUT);
        assertTrue(sent.toString().endsWith("second" + "HTTP/1.1 100 Continue\r\n\r\n"), sent.toString());
    }

    @Test
    void aShutdownClosesWithTheLastResponseEvenBehindAContinue() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        Sinks.One<Response> pending = Sinks.one();
        batch.addPending(pending.asMono(), input, ConnectionHeader.NONE, false);
        batch.addContinue(); // a head whose body will never be read: the shutdown stops reading
        batch.makeLastResponseClose();

        StepVerifier.create(batch.whenEncoded())
                .then(() -> pending.tryEmitValue(text("last")))
                .assertNext(done -> {
                    String out = output(done);
                    assertTrue(out.contains("\r\nConnection: close\r\n"), out);
                })
                .thenConsumeWhile(done -> output(done).isEmpty())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void cancellingReleasesTheInputTheEncodedOutputAndEveryQueuedBody() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        List<ByteBuf> bodies = new ArrayList<>();
        batch.addReady(bufferText("encoded at once", bodies), ConnectionHeader.NONE);
        batch.addPending(Mono.never(), input, ConnectionHeader.NONE, false);
        for (int i = 0; i < MANY; i++) {
            batch.addReady(bufferText("queued " + i, bodies), ConnectionHeader.NONE);
        }
        assertEquals(2, input.refCnt(), "held while the pending request is served");

        StepVerifier.create(batch.whenEncoded())
                .expectSubscription()
                .thenCancel()
                .verify(TIMEOUT);

        assertReleased(bodies);
        assertEquals(0, batch.chargedBytes(), "the output was released");
    }

    @Test
    void aBatchNeverSentReleasesEverythingOnDiscard() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        List<ByteBuf> bodies = new ArrayList<>();
        Sinks.One<Response> pending = Sinks.one();
        batch.addReady(bufferText("encoded at once", bodies), ConnectionHeader.NONE);
        batch.addContinue();
        batch.addPending(pending.asMono(), input, ConnectionHeader.CLOSE, false);
        batch.addReady(bufferText("queued", bodies), ConnectionHeader.NONE);
        assertTrue(batch.endsConnection());

        batch.discard();

        assertReleased(bodies);
        assertEquals(0, batch.chargedBytes());
    }

    @Test
    void aResponseCompletingAfterTheCancelIsReleased() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        List<ByteBuf> bodies = new ArrayList<>();
        Sinks.One<Response> late = Sinks.one();
        batch.addPending(late.asMono(), input, ConnectionHeader.NONE, false);

        StepVerifier.create(batch.whenEncoded())
                .expectSubscription()
                .thenCancel()
                .verify(TIMEOUT);
        Response response = bufferText("too late", bodies);
        if (late.tryEmitValue(response) == Sinks.EmitResult.OK && late.currentSubscriberCount() == 0) {
            response.release(); // nobody took it: the sink keeps it for a subscriber that will not come
        }

        assertReleased(bodies);
    }

    @Test
    void allReadyResponsesTakeNoSubscription() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        batch.addReady(text("a"), ConnectionHeader.NONE);
        batch.addReady(text("b"), ConnectionHeader.CLOSE);
        assertFalse(batch.hasPending());
        assertTrue(batch.endsConnection());

        StepVerifier.create(batch.whenEncoded())
                .assertNext(done -> {
                    String out = output(done);
                    assertBodies(out, "a", "b");
                    assertTrue(out.endsWith("Connection: close\r\n\r\nb"), out);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aBatchSentWholeServesTheThreadsNextReadWithNothingOfTheLastOne() {
        Batch batch = new Batch(ALLOC, input.readableBytes());
        batch.addReady(text("first"), ConnectionHeader.NONE);
        assertFalse(batch.reusable(), "its output is not taken yet");
        assertBodies(output(batch), "first");
        assertTrue(batch.reusable());

        batch.recycle();
        assertNotSame(batch, Batch.forRead(new UnpooledByteBufAllocator(false), 0),
                "a server of another allocator sharing the thread gets a batch of its own");
        Batch next = Batch.forRead(ALLOC, input.readableBytes());
        assertSame(batch, next, "the thread's spare batch");
        assertNotSame(batch, Batch.forRead(ALLOC, 0), "taken: the next read of the thread gets another");
        next.makeLastResponseClose(); // a shutdown before the next read's responses: nothing of the last one to close
        assertTrue(next.isEmpty());
        assertEquals(0, next.countOutput());
        next.addReady(text("second"), ConnectionHeader.NONE);
        String out = output(next);
        assertBodies(out, "second");
        assertFalse(out.contains("first") || out.contains("close"), out);
    }

    @Test
    void aBatchThatWaitedForAResponseOrEndsTheConnectionIsNotReused() {
        Batch waited = new Batch(ALLOC, input.readableBytes());
        waited.addPending(Mono.just(text("later")), input, ConnectionHeader.NONE, false);
        StepVerifier.create(waited.whenEncoded())
                .assertNext(done -> assertBodies(output(done), "later"))
                .expectComplete()
                .verify(TIMEOUT);
        assertFalse(waited.hasPending());
        assertFalse(waited.reusable(), "its subscriber may still run after the output is taken");

        Batch last = new Batch(ALLOC, input.readableBytes());
        last.addReady(text("bye"), ConnectionHeader.CLOSE);
        assertBodies(output(last), "bye");
        assertFalse(last.reusable());
    }

    private static Response text(String body) {
        return Response.text(HttpStatus.OK, body);
    }

    private static Response bufferText(String body, List<ByteBuf> bodies) {
        ByteBuf buffer = ALLOC.directBuffer().writeBytes(body.getBytes(StandardCharsets.US_ASCII));
        bodies.add(buffer);
        return Response.status(HttpStatus.OK).contentType("text/plain").body(buffer);
    }

    private static void assertReleased(List<ByteBuf> bodies) {
        for (ByteBuf body : bodies) {
            assertEquals(0, body.refCnt(), "a response body was released");
        }
    }

    /** Takes the batch's output as text and releases it. */
    private static String output(Batch batch) {
        ByteBuf out = batch.takeOutput();
        try {
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
        }
    }

    /** Each body follows the end of a response head, in this order. */
    private static void assertBodies(String out, String... bodies) {
        int from = 0;
        for (String body : bodies) {
            int at = out.indexOf("\r\n\r\n" + body, from);
            assertTrue(at >= from, "\"" + body + "\" in order in:\n" + out);
            from = at + body.length();
        }
    }
}
