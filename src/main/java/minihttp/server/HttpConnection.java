package minihttp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
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
 */
final class HttpConnection {

    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    /** Every batch is flushed as it is written: it holds all the responses one read produced. */
    private static final Predicate<ByteBuf> FLUSH_EACH_BATCH = batch -> true;

    private final Service service;
    private final RequestDecoder decoder;
    private final ByteBufAllocator alloc;
    private final EventLoop eventLoop;

    private HttpConnection(Service service, RequestDecoder.Limits limits, ByteBufAllocator alloc, EventLoop eventLoop) {
        this.service = service;
        this.alloc = alloc;
        this.decoder = new RequestDecoder(alloc, limits);
        this.eventLoop = eventLoop;
    }

    /** The handler reactor-netty runs for each accepted connection. */
    static Publisher<Void> serve(NettyInbound in, NettyOutbound out, Service service, RequestDecoder.Limits limits) {
        EventLoop[] loop = new EventLoop[1];
        in.withConnection(connection -> loop[0] = connection.channel().eventLoop());
        HttpConnection connection = new HttpConnection(service, limits, out.alloc(), loop[0]);
        Flux<ByteBuf> writes = in.receive()
                .map(connection::onRead)
                .takeUntil(Batch::last)
                .doFinally(signal -> connection.releaseDecoder())
                .concatMap(Batch::output)
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
            Mono<Response> response = call(request);
            if (response instanceof Callable<?> ready) {
                // Already complete (Mono.just, fromSupplier, error): take the value now, no subscription.
                batch.ready(valueOf(ready), connection);
            } else {
                batch.later(response, decoder.detach(), connection);
            }
        }
        if (decoder.failed() && !batch.last()) {
            batch.ready(Response.text(decoder.errorStatus(), decoder.errorMessage() + "\n"), ConnectionHeader.CLOSE);
        }
        decoder.endRead();
        return batch;
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
            log.warn("service failed", e);
            return Batch.FAILED;
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
