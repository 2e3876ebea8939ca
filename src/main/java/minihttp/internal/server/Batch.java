package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import minihttp.http.HttpStatus;
import minihttp.http.BodyException;
import minihttp.http.Response;
import minihttp.internal.codec.ResponseEncoder;
import minihttp.internal.codec.DateCache;
import minihttp.internal.codec.DecodedRequest;

/**
 * The responses to the requests of one read, in request order, encoded into one pooled output buffer.
 *
 * <p>While every response is ready, each is encoded as it arrives and {@link #done()} is a {@code Mono.just}
 * of the batch, which {@code concatMap} takes without subscribing. From the first response that is not ready,
 * the rest are queued and {@link #done()} waits for them in order; the read's bytes stay retained meanwhile,
 * because the requests still being served are views into them.
 */
final class Batch {

    private static final Logger log = LoggerFactory.getLogger(Batch.class);
    /** The least output room: a few typical responses. */
    private static final int MIN_OUTPUT_CAPACITY = 512;
    static final Response EMPTY_RESULT =
            Response.text(HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error: no response\n");
    static final Response FAILED =
            Response.text(HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error\n");
    /** An interim response: no Date, no Content-Length (RFC 9110 section 15.2). */
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Stands for {@link #CONTINUE} among queued responses. */
    private static final Response CONTINUE_MARK = Response.text(HttpStatus.CONTINUE, "");

    private final ByteBufAllocator alloc;
    private final int outputCapacity;
    private ByteBuf out;
    private byte[] date;
    /** Responses from the first one that was not ready, in request order; null while all are ready. */
    private List<Queued> queued;
    private int encodedLater;
    private boolean subscribed;
    private ByteBuf held;
    /** Further buffers that requests still being served read (a de-chunked body has its own); rarely used. */
    private List<ByteBuf> moreHeld;
    /**
     * Requests whose bodies stream in: a body whose service never subscribed to it (its response dropped with the
     * batch before or while it was computed) is discarded with the batch, releasing the pieces it queued.
     */
    private List<DecodedRequest> streamed;
    private boolean last;
    /** Whether the responses encoded so far go out before the queued ones are done: a 100 Continue is among them. */
    private boolean flushFirst;
    /** The response encoded last, where it starts in {@link #out} and its Connection header: see closeAfterLast. */
    private Response lastEncoded;
    private int lastEncodedStart;
    private ConnectionHeader lastEncodedConnection;
    /**
     * The output encoded while the read was decoded, which the connection counts against its output budget until
     * the send takes it. Written on the event loop before the batch is emitted, read by the send's map.
     */
    private int countedOutput;

    /**
     * {@code inputBytes} sizes the output: requests with the usual headers are longer than their responses, so
     * a pipelined batch is encoded without growing its buffer.
     */
    Batch(ByteBufAllocator alloc, int inputBytes) {
        this.alloc = alloc;
        this.outputCapacity = Math.max(MIN_OUTPUT_CAPACITY, inputBytes);
    }

    /** Whether this batch ends the connection: its last response closes it. */
    boolean last() {
        return last;
    }

    /** Whether some response of this batch is still being computed. */
    boolean hasPending() {
        return queued != null;
    }

    /**
     * Makes the last response of this batch say {@code Connection: close}, unless it has been sent already: a
     * graceful shutdown ends the connection after it. A response still being computed is encoded so; one encoded
     * already, in a batch waiting behind a slow one, has its header rewritten in place.
     */
    synchronized void closeAfterLast() {
        if (queued != null && encodedLater < queued.size()) {
            int lastIndex = queued.size() - 1;
            queued.set(lastIndex, new Queued(queued.get(lastIndex).response(), ConnectionHeader.CLOSE));
        } else if (out != null && lastEncoded != null) {
            ResponseEncoder.closeLast(out, lastEncodedStart, lastEncoded, lastEncodedConnection);
            lastEncodedConnection = ConnectionHeader.CLOSE;
        }
    }

    /** The bytes encoded so far: the decoding of a read stops once they pass the connection's output budget. */
    int encodedBytes() {
        return out == null ? 0 : out.writerIndex();
    }

    /** Counts the output encoded so far against the connection's budget; returns it. Event loop. */
    int countOutput() {
        return countedOutput = encodedBytes();
    }

    /** The output counted by {@link #countOutput()}, once: the send is taking it. */
    int takeCountedOutput() {
        int counted = countedOutput;
        countedOutput = 0;
        return counted;
    }

    /** A response queued behind one that is not ready: a {@link Response}, or a {@code Mono} of one. */
    private record Queued(Object response, ConnectionHeader connection) {}

    /** Adds a response that is ready now. */
    void ready(Response response, ConnectionHeader connection) {
        last |= connection == ConnectionHeader.CLOSE;
        if (queued != null) {
            queued.add(new Queued(response, connection));
            return;
        }
        if (out == null) {
            out = alloc.ioBuffer(outputCapacity);
            date = DateCache.bytes();
        }
        lastEncoded = response;
        lastEncodedStart = out.writerIndex();
        lastEncodedConnection = connection;
        ResponseEncoder.encode(response, out, date, connection);
    }

    /** Adds a response that completes later; {@code input} holds the bytes its request reads. */
    void later(Mono<Response> response, ByteBuf input, ConnectionHeader connection) {
        last |= connection == ConnectionHeader.CLOSE;
        queue(response, input, connection);
    }

    /**
     * Adds the response of a request whose body is still streaming in, without ending the batch's reading even if
     * it closes the connection (the decoder ends the connection after that body). The batch owns dropping the body
     * if it is discarded before the service got to it.
     */
    void laterStreamed(Mono<Response> response, DecodedRequest request, ByteBuf input, ConnectionHeader connection) {
        if (streamed == null) {
            streamed = new ArrayList<>(2);
        }
        streamed.add(request);
        queue(response, input, connection);
    }

    private void queue(Mono<Response> response, ByteBuf input, ConnectionHeader connection) {
        if (queued == null) {
            queued = new ArrayList<>();
        }
        if (held == null) {
            held = input.retain();
        } else if (input != held) {
            if (moreHeld == null) {
                moreHeld = new ArrayList<>(2);
            }
            moreHeld.add(input.retain());
        }
        queued.add(new Queued(settled(response), connection));
    }

    /** Adds {@code 100 Continue}: the client waits for it before sending the body of the request read last. */
    void continueInterim() {
        if (queued != null) {
            queued.add(new Queued(CONTINUE_MARK, ConnectionHeader.NONE));
            return;
        }
        if (out == null) {
            out = alloc.ioBuffer(outputCapacity);
            date = DateCache.bytes();
        }
        out.writeBytes(CONTINUE);
        flushFirst = true;
    }

    /** Makes this the last batch without a response of its own: the connection closes after those before it. */
    void closeAfter() {
        last = true;
    }

    /** Whether the batch has nothing to write and does not end the connection: a read of body bytes only. */
    boolean isEmpty() {
        return out == null && queued == null && !last;
    }

    /** {@code response}, with a failure or no response at all turned into the response that says so. */
    static Mono<Response> settled(Mono<Response> response) {
        return response.onErrorResume(e -> Mono.just(failure(e))).defaultIfEmpty(EMPTY_RESULT);
    }

    /** The response for a service that failed: 500, or the status of a request body that could not be read. */
    static Response failure(Throwable error) {
        if (error instanceof BodyException body) {
            return Response.text(body.status(), body.getMessage() + "\n");
        }
        log.warn("service failed", error);
        return FAILED;
    }

    /**
     * This batch once all its responses are encoded, for {@link #takeOutput}; empty when the read completed no
     * request. When a {@code 100 Continue} is among the ready responses, the batch comes twice: first with those,
     * as the client waits for it, then with the rest. The batch, not its buffer, goes through {@code concatMap}:
     * reactor-core's scalar shortcut there may discard a value on cancel after emitting it (reactor-core PR 4352),
     * and a discarded buffer would be released twice, whereas a discarded batch whose output was taken releases
     * nothing.
     */
    Flux<Batch> done() {
        if (queued == null) {
            return out == null ? Flux.empty() : Flux.just(this);
        }
        subscribed = true;
        Mono<Batch> rest = Flux.fromIterable(queued)
                .flatMapSequential(Batch::asMono)
                .doOnNext(this::encodeLater)
                .then(Mono.fromCallable(this::encoded))
                .doOnDiscard(Response.class, Response::release)
                .doFinally(signal -> discard());
        return flushFirst ? Flux.concat(Mono.just(this), rest) : rest.flux();
    }

    /** Hands the encoded output over: the batch keeps no reference to it. */
    synchronized ByteBuf takeOutput() {
        ByteBuf output = out;
        out = null;
        return output;
    }

    /** Releases everything the batch still holds: on cancel, or when it was never sent. */
    synchronized void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (held != null) {
            held.release();
            held = null;
        }
        if (moreHeld != null) {
            moreHeld.forEach(ByteBuf::release);
            moreHeld = null;
        }
        if (streamed != null) {
            // A body no service subscribed to (its response never subscribed, or cancelled first) holds pieces
            // that only its stream releases; one a service did subscribe to is left to it (a no-op here).
            streamed.forEach(DecodedRequest::discardBody);
            streamed = null;
        }
        if (queued != null && !subscribed) {
            // Once subscribed, the Flux owns the queued responses and discards them through the hook.
            for (Queued q : queued) {
                if (q.response() instanceof Response r) {
                    r.release();
                }
            }
        }
        queued = null;
    }

    @SuppressWarnings("unchecked")
    private static Mono<Response> asMono(Queued queued) {
        return queued.response() instanceof Response r ? Mono.just(r) : (Mono<Response>) queued.response();
    }

    // Runs on whichever thread completed the response; the lock only orders it against a concurrent cancel.
    private synchronized void encodeLater(Response response) {
        if (queued == null) { // cancelled meanwhile
            response.release();
            return;
        }
        if (out == null) {
            out = alloc.ioBuffer(outputCapacity);
        }
        if (response == CONTINUE_MARK) {
            out.writeBytes(CONTINUE);
            encodedLater++;
            return;
        }
        // flatMapSequential delivers in queue order, so the count says which request this answers.
        ConnectionHeader connection = queued.get(encodedLater++).connection();
        lastEncoded = response;
        lastEncodedStart = out.writerIndex();
        lastEncodedConnection = connection;
        ResponseEncoder.encode(response, out, DateCache.bytes(), connection);
    }

    private synchronized Batch encoded() {
        queued = null; // everything in it is encoded; nothing left for discard() to release
        return this;
    }
}
