package minihttp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import minihttp.codec.HttpStatus;
import minihttp.codec.Method;
import minihttp.codec.ReadControl;
import minihttp.codec.Request;
import minihttp.codec.RequestDecoder;
import minihttp.codec.Response;
import minihttp.codec.ResponseEncoder.ConnectionHeader;
import minihttp.service.Service;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * The pipeline of one connection, as one Reactor composition:
 * {@code NettyInbound} reads -> decode -> service calls -> {@link Batch} per read -> in order -> {@code NettyOutbound}.
 *
 * <p>Each read is decoded and its services called inside {@code map}, while reactor-netty still holds the read's
 * buffer (it releases it when {@code onNext} returns). {@code concatMap} then keeps the batches in read order;
 * for a batch whose responses were all ready it takes the buffer through the {@code Mono.just} fast path without
 * a subscription. Each batch is one write and one flush. A request that ends the connection (bad input,
 * {@code Connection: close}, HTTP/1.0) makes its batch the last one: the inbound is cancelled, the batch is
 * written after those before it, and the completed send closes the connection.
 *
 * <p>A read that only carries body bytes yields no batch ({@code handle} drops it), so that a long body does not
 * fill {@code concatMap}'s queue while the response it is waiting for is pending. A streamed body's backpressure
 * pauses reading through the channel's auto-read, as reactor-netty itself does when its receiver lags: the
 * body's demand is not the pipeline's (reads keep coming to decode the body), so no operator could carry it.
 */
final class HttpConnection {

    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    /** Every batch is flushed as it is written: it holds all the responses one read produced. */
    private static final Predicate<ByteBuf> FLUSH_EACH_BATCH = batch -> true;

    private static final Mono<Response> NOT_IMPLEMENTED =
            Mono.just(Response.text(HttpStatus.NOT_IMPLEMENTED, "Not Implemented: unknown method\n"));


    private final Service service;
    private final RequestDecoder decoder;
    private final ByteBufAllocator alloc;
    private final EventLoop eventLoop;

    private HttpConnection(Service service, RequestDecoder.Limits limits, ByteBufAllocator alloc, Channel channel) {
        this.service = service;
        this.alloc = alloc;
        this.decoder = new RequestDecoder(alloc, limits, service::streamsBody, new AutoRead(channel));
        this.eventLoop = channel.eventLoop();
    }

    /** The handler reactor-netty runs for each accepted connection. */
    static Publisher<Void> serve(NettyInbound in, NettyOutbound out, Service service, RequestDecoder.Limits limits) {
        Channel[] channel = new Channel[1];
        in.withConnection(connection -> channel[0] = connection.channel());
        HttpConnection connection = new HttpConnection(service, limits, out.alloc(), channel[0]);
        Flux<ByteBuf> writes = in.receive()
                .<Batch>handle((read, sink) -> {
                    Batch batch = connection.onRead(read);
                    if (!batch.isEmpty()) {
                        sink.next(batch);
                    }
                })
                .takeUntil(Batch::last)
                .doFinally(signal -> connection.releaseDecoder())
                // One batch of prefetch: reads that only carry body bytes yield no batch and so keep flowing
                // while the response to that body's request is pending (the default, no prefetch, would stop
                // reading until it completes, and so never read the body it waits for).
                .concatMap(Batch::output, 1)
                .doOnDiscard(Batch.class, Batch::discard);
        return out.send(writes, FLUSH_EACH_BATCH);
    }

    /** Decodes one read and calls the service for each request in it; runs on the event loop. */
    private Batch onRead(ByteBuf in) {
        Batch batch = new Batch(alloc, in.readableBytes());
        decoder.feed(in);
        Request request;
        while (!batch.last() && (request = decoder.poll()) != null) {
            ConnectionHeader connection = ConnectionHeader.answering(request);
            if (request.method() != Method.GET || request.isBodyStreamed()) {
                unusual(request, connection, batch);
                continue;
            }
            Mono<Response> response = call(request);
            if (response instanceof Callable<?> ready) {
                // Already complete (Mono.just, fromSupplier, error): take the value now, no subscription.
                batch.ready(valueOf(ready), connection);
            } else {
                batch.later(response, decoder.detach(), connection);
            }
        }
        if (!batch.last()) {
            if (decoder.failed()) {
                HttpStatus status = decoder.errorStatus();
                if (status != null) {
                    batch.ready(Response.text(status, decoder.errorMessage() + "\n"), ConnectionHeader.CLOSE);
                } else {
                    batch.closeAfter(); // a streamed body failed: its request is answered by its service
                }
            } else if (decoder.ended()) {
                batch.closeAfter();
            } else if (decoder.takeContinue()) {
                batch.continueInterim();
            }
        }
        decoder.endRead();
        return batch;
    }

    /** Everything but a GET with an aggregated body: other methods, HEAD, unknown methods, streamed bodies. */
    private void unusual(Request request, ConnectionHeader connection, Batch batch) {
        Method method = request.method();
        boolean streamed = request.isBodyStreamed();
        if (streamed && decoder.takeContinue()) {
            batch.continueInterim(); // before the service runs: the client sends the body once it sees this
        }
        Mono<Response> response = method == Method.OTHER ? NOT_IMPLEMENTED : call(request);
        if (method == Method.HEAD) {
            // The headers of GET, Content-Length included, and no body, whatever the service did.
            response = response.onErrorResume(e -> Mono.just(Batch.failure(e)))
                    .defaultIfEmpty(Batch.EMPTY_RESULT)
                    .map(Response::withoutBody);
        }
        if (!streamed) {
            if (response instanceof Callable<?> ready) {
                batch.ready(valueOf(ready), connection);
            } else {
                batch.later(response, decoder.detach(), connection);
            }
            return;
        }
        // A body the service did not subscribe to is dropped once the response is ready, so reading goes on.
        if (response instanceof Callable<?> ready) {
            Response value = valueOf(ready);
            request.discardBody();
            response = Mono.just(value);
        } else {
            response = response.doFinally(signal -> request.discardBody());
        }
        // Until its body has been read, even a request that ends the connection must not stop the reading.
        batch.laterKeepReading(response, decoder.detach(), connection);
    }

    private Mono<Response> call(Request request) {
        try {
            Mono<Response> response = service.call(request);
            return response != null ? response : Mono.empty();
        } catch (RuntimeException e) {
            return Mono.error(e);
        }
    }

    private static Response valueOf(Callable<?> ready) {
        try {
            Response response = (Response) ready.call();
            return response != null ? response : Batch.EMPTY_RESULT;
        } catch (Exception e) {
            return Batch.failure(e);
        }
    }

    /** Pauses and resumes reading for a streamed body's backpressure; called from any thread. */
    private static final class AutoRead implements ReadControl {
        private final Channel channel;

        AutoRead(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void pauseReads() {
            setAutoRead(false);
        }

        @Override
        public void resumeReads() {
            setAutoRead(true); // also starts a read at once
        }

        private void setAutoRead(boolean autoRead) {
            if (channel.eventLoop().inEventLoop()) {
                channel.config().setAutoRead(autoRead);
            } else {
                channel.eventLoop().execute(() -> channel.config().setAutoRead(autoRead));
            }
        }
    }

    // The decoder belongs to the event loop; a cancel may arrive from the thread that completed a response.
    private void releaseDecoder() {
        if (eventLoop.inEventLoop()) {
            decoder.release();
        } else {
            eventLoop.execute(decoder::release);
        }
    }
}
