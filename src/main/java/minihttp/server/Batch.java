package minihttp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import minihttp.codec.DateCache;
import minihttp.codec.HttpStatus;
import minihttp.codec.Response;
import minihttp.codec.ResponseEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The responses to the requests of one read, in request order, encoded into one pooled output buffer.
 *
 * <p>While every response is ready, each is encoded as it arrives and {@link #output()} is a {@code Mono.just}
 * of the buffer, which {@code concatMap} takes without subscribing. From the first response that is not ready,
 * the rest are queued and {@link #output()} waits for them in order; the read's bytes stay retained meanwhile,
 * because the requests still being served are views into them.
 */
final class Batch {

    private static final Logger log = LoggerFactory.getLogger(Batch.class);
    /** Room for several typical responses, so that a pipelined batch rarely grows its buffer. */
    private static final int OUTPUT_INITIAL_CAPACITY = 2048;
    static final Response EMPTY_RESULT =
            Response.text(HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error: no response\n");
    static final Response FAILED =
            Response.text(HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error\n");

    private final ByteBufAllocator alloc;
    private ByteBuf out;
    private byte[] date;
    /** Responses (ready) and Monos (not ready) from the first one that was not ready; null while all are ready. */
    private List<Object> queued;
    private int encodedLater;
    private boolean subscribed;
    private ByteBuf held;
    private boolean last;

    Batch(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Whether this batch ends the connection: its last response closes it. */
    boolean last() {
        return last;
    }

    /** Adds a response that is ready now. */
    void ready(Response response, boolean close) {
        last |= close;
        if (queued != null) {
            queued.add(response);
            return;
        }
        if (out == null) {
            out = alloc.ioBuffer(OUTPUT_INITIAL_CAPACITY);
            date = DateCache.bytes();
        }
        ResponseEncoder.encode(response, out, date, close);
    }

    /** Adds a response that completes later; {@code input} holds the bytes its request reads. */
    void later(Mono<Response> response, ByteBuf input, boolean close) {
        last |= close;
        if (queued == null) {
            queued = new ArrayList<>();
        }
        if (held == null) {
            held = input.retain();
        }
        queued.add(response
                .onErrorResume(e -> {
                    log.warn("service failed", e);
                    return Mono.just(FAILED);
                })
                .defaultIfEmpty(EMPTY_RESULT));
    }

    /** The encoded responses, in one buffer, once all are done; empty when the read completed no request. */
    Mono<ByteBuf> output() {
        if (queued == null) {
            ByteBuf ready = out;
            out = null;
            return ready == null ? Mono.empty() : Mono.just(ready);
        }
        subscribed = true;
        return Flux.fromIterable(queued)
                .flatMapSequential(Batch::asMono)
                .doOnNext(this::encodeLater)
                .then(Mono.fromCallable(this::takeOutput))
                .doOnDiscard(Response.class, Response::release)
                .doFinally(signal -> discard());
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
        if (queued != null && !subscribed) {
            // Once subscribed, the Flux owns the queued responses and discards them through the hook.
            for (Object o : queued) {
                if (o instanceof Response r) {
                    r.release();
                }
            }
        }
        queued = null;
    }

    @SuppressWarnings("unchecked")
    private static Mono<Response> asMono(Object queuedItem) {
        return queuedItem instanceof Response r ? Mono.just(r) : (Mono<Response>) queuedItem;
    }

    // Runs on whichever thread completed the response; the lock only orders it against a concurrent cancel.
    private synchronized void encodeLater(Response response) {
        if (queued == null) { // cancelled meanwhile
            response.release();
            return;
        }
        if (out == null) {
            out = alloc.ioBuffer(OUTPUT_INITIAL_CAPACITY);
        }
        encodedLater++;
        boolean close = last && encodedLater == queued.size();
        ResponseEncoder.encode(response, out, DateCache.bytes(), close);
    }

    private synchronized ByteBuf takeOutput() {
        ByteBuf output = out;
        out = null;
        queued = null; // everything in it is encoded; nothing left for discard() to release
        return output;
    }
}
