package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import minihttp.http.Response;
import minihttp.internal.codec.DateCache;
import minihttp.internal.codec.DecodedRequest;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.RequestDecoder;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import minihttp.server.Limits;
import minihttp.service.Service;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * The study pipeline ({@code --pipeline simple}): the obvious composition, for reading and for measuring what the
 * batched one ({@link HttpConnection}) buys with each of its choices.
 * <pre>
 * receive -> decode each read into requests -> concatMap(service) per request -> encode each response -> send
 * </pre>
 * It shares the decoder, the encoder and the server's policy ({@link Dispatcher#respond}, {@link ErrorResponses}) with the
 * batched pipeline, so it answers what it serves as that one does: in request order, bad input with the decoder's
 * status and a close, {@code Connection: close} and HTTP/1.0 by closing after the response, HEAD and 501 alike.
 *
 * <p>What it leaves out, and why the batched one needs it:
 * <ul>
 * <li><b>Batching.</b> Each response is a buffer and a write of its own (reactor-netty's send flushes once per
 *     burst), and each request costs a detached view, a retain of its bytes and a few operators. The batched one
 *     encodes all the responses of a read into one buffer, one write, one flush, and allocates nothing per request.
 * <li><b>Concurrent services.</b> {@code concatMap} calls a service only once the one before it has answered, so
 *     a slow response delays the calls behind it too, not only their output. The batched one calls every service
 *     of a read at once, and takes a {@code Mono} that is already complete without subscribing to it.
 * <li><b>Deadlines</b> (idle, head, body, minimum body rate, write). A client that sends nothing, half a head, a
 *     trickled body or reads no responses holds its connection for ever: a thousand such clients cost a thousand
 *     connections. The batched one closes them ({@link ConnectionTimer}).
 * <li><b>An output budget in bytes.</b> Here memory is bounded in counts by the operators' queues (reads ahead,
 *     requests ahead, the send's prefetch): some hundred responses, whatever their size. The batched one stops
 *     decoding at 64 KiB of unsent output ({@link WriteGate}).
 * <li><b>Streamed bodies and 100 Continue.</b> Every body is aggregated, within the body limit (413 beyond), and
 *     no {@code 100 Continue} is sent: a client that waits for one sends its body after its own timeout.
 * <li><b>Streamed responses.</b> A response whose body is a stream is answered with 500
 *     ({@link ErrorResponses#STREAM_NEEDS_BATCHED_PIPELINE}): sending it here would take a {@code Flux} per request
 *     instead of a {@code Mono}, and no pacing by the socket. The batched one sends it as it comes.
 * <li><b>Drain.</b> A graceful shutdown does not reach the connection: it waits for the connection to end, up to
 *     the shutdown timeout, then closes it, response in flight or not ({@link Drain} makes the last response say
 *     close and ends each connection as soon as it has answered).
 * </ul>
 */
public final class SimpleConnection {

    /** Reads decoded ahead of the requests being answered: one, so that a client that reads nothing costs little. */
    private static final int READS_AHEAD = 1;

    private final Service service;
    private final RequestDecoder decoder;
    private final ByteBufAllocator alloc;
    /** A request that ends the connection was decoded: nothing after it is; event loop. */
    private boolean ending;

    SimpleConnection(Service service, Limits limits, ByteBufAllocator alloc) {
        this.service = service;
        this.decoder = new RequestDecoder(alloc, limits); // aggregates every body
        this.alloc = alloc;
    }

    /** The handler reactor-netty runs for each accepted connection; the completed send closes it. */
    public static Publisher<Void> serve(NettyInbound in, NettyOutbound out, Service service, Limits limits) {
        SimpleConnection connection = new SimpleConnection(service, limits, out.alloc());
        in.withConnection(c -> c.addHandlerLast(HalfClose.NAME, HalfClose.INSTANCE)
                .onDispose(connection.decoder::release));
        return out.send(connection.responses(in.receiveObject()));
    }

    /**
     * The encoded responses to the requests in {@code reads}, in request order. Each read is lent for the duration
     * of its {@code onNext} (reactor-netty releases it after), so it is decoded there, in {@code map}.
     */
    Flux<ByteBuf> responses(Flux<?> reads) {
        return reads.takeWhile(read -> read != HalfClose.INPUT_ENDED) // the client half-closed: answer, then close
                .map(read -> decode((ByteBuf) read))
                .flatMapIterable(exchanges -> exchanges, READS_AHEAD)
                .takeUntil(Exchange::ends) // cancels the inbound: nothing is read after a request that ends it
                .concatMap(this::respond)
                .doOnDiscard(Object.class, SimpleConnection::discard);
    }

    /** The requests of one read, each holding its bytes; the decoder's error, if any, last. Event loop. */
    private List<Exchange> decode(ByteBuf read) {
        List<Exchange> exchanges = new ArrayList<>();
        if (ending) {
            return exchanges;
        }
        decoder.feed(read);
        DecodedRequest request;
        while (!ending && (request = decoder.poll()) != null) {
            ConnectionHeader connection = ConnectionHeader.answering(request);
            exchanges.add(new Exchange(request, null, connection, decoder.detach().retain()));
            ending = connection == ConnectionHeader.CLOSE;
        }
        if (!ending && decoder.failed()) {
            Response error = Response.text(decoder.errorStatus(), decoder.errorMessage() + "\n");
            exchanges.add(new Exchange(null, error, ConnectionHeader.CLOSE, null));
            ending = true;
        }
        decoder.endRead();
        if (ending) {
            decoder.release(); // what follows the last request is never decoded
        }
        return exchanges;
    }

    /** Calls the service, encodes its response, then lets go of the request's bytes. */
    private Mono<ByteBuf> respond(Exchange exchange) {
        Mono<Response> answer = exchange.request != null
                ? Dispatcher.respond(service, exchange.request) : Mono.just(exchange.error);
        return ErrorResponses.orErrorResponse(answer)
                .map(response -> encode(response, exchange.connection))
                .doFinally(signal -> exchange.release());
    }

    private ByteBuf encode(Response response, ConnectionHeader connection) {
        if (EncodedResponse.isStreamed(response)) {
            response = ErrorResponses.STREAM_NEEDS_BATCHED_PIPELINE; // not subscribed: it holds nothing yet
        }
        ByteBuf out = alloc.ioBuffer();
        ErrorResponses.encode(response, out, DateCache.bytes(), connection);
        return out;
    }

    /** Releases the bytes of requests dropped unanswered when the connection ends: queued, or a read's rest. */
    private static void discard(Object dropped) {
        if (dropped instanceof Exchange exchange) {
            exchange.release();
        } else if (dropped instanceof List<?> exchanges) {
            exchanges.forEach(SimpleConnection::discard);
        }
    }

    /** A request (or the decoder's error) to answer, with its {@code Connection} header and the bytes it reads. */
    private static final class Exchange {
        final DecodedRequest request;
        final Response error;
        final ConnectionHeader connection;
        private ByteBuf held;

        Exchange(DecodedRequest request, Response error, ConnectionHeader connection, ByteBuf held) {
            this.request = request;
            this.error = error;
            this.connection = connection;
            this.held = held;
        }

        boolean ends() {
            return connection == ConnectionHeader.CLOSE;
        }

        /** Once: answered, cancelled or discarded, whichever comes first. */
        synchronized void release() {
            if (held != null) {
                held.release();
                held = null;
            }
        }
    }
}
