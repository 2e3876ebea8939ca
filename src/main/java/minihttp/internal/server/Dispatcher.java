package minihttp.internal.server;

import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.DecodedRequest;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.RequestDecoder;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import minihttp.observe.Exchange;
import minihttp.observe.HttpListener;
import minihttp.service.Service;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Decides what each request of a connection gets, and adds it to the read's {@link Batch}: the service's response,
 * or the server's own (501 for unknown methods, {@code OPTIONS *}), HEAD's headers without a body,
 * {@code 100 Continue} before a body the client holds back, and the error the decoder found. A plain GET goes
 * straight to the service: it is the fast path, with nothing allocated here.
 */
final class Dispatcher {

    /**
     * {@code OPTIONS *} asks about the server, not a resource (RFC 9110 section 9.3.7): the methods it hands to
     * services, all those it knows but CONNECT.
     */
    private static final Mono<Response> SERVER_OPTIONS = Mono.just(Response.status(HttpStatus.OK)
            .header("Allow", Arrays.stream(Method.values())
                    .filter(m -> m != Method.OTHER && m != Method.CONNECT)
                    .map(Enum::name)
                    .collect(Collectors.joining(", ")))
            .empty());
    private static final Mono<Response> UNKNOWN_METHOD = Mono.just(ErrorResponses.UNKNOWN_METHOD);

    private final Service service;
    private final RequestDecoder decoder;
    /** Told of each exchange and decode error, or null: then nothing here does any work for one. */
    private final HttpListener listener;
    private final SocketAddress remote;
    /** When each service may run: unsafe requests one at a time. */
    private final RequestOrder order;
    /** When the read being dispatched began, with a listener. */
    private long readStart;

    Dispatcher(Service service, RequestDecoder decoder, HttpListener listener, SocketAddress remote,
               RequestOrder order) {
        this.service = service;
        this.decoder = decoder;
        this.listener = listener;
        this.remote = remote;
        this.order = order;
    }

    /** A read begins, at {@code nanos}: the exchanges it completes count their duration from here. */
    void readStarted(long nanos) {
        readStart = nanos;
    }

    /** Adds the response to the request the decoder polled last. Event loop. */
    void dispatch(DecodedRequest request, Batch batch) {
        ConnectionHeader connection = ConnectionHeader.answering(request);
        if (request.method() != Method.GET || request.isBodyStreamed() || order.afterUnsafe()) {
            dispatchOther(request, connection, batch);
            return;
        }
        answer(request, ErrorResponses.call(service, request), connection, batch, false);
    }

    /**
     * Adds what the end of a read calls for, once its complete requests are dispatched: the error the decoder
     * stopped at (and the close after it), the close the decoder ended with, or a {@code 100 Continue} for the
     * head read last. Event loop.
     */
    void dispatchEndOfRead(Batch batch) {
        if (decoder.failed()) {
            HttpStatus status = decoder.errorStatus();
            if (status != null) {
                refuse(batch, ErrorResponses.decoderError(status, decoder.errorMessage()), decoder.errorMessage());
            } else {
                batch.endConnection(); // a streamed body failed: its request is answered by its service
            }
        } else if (decoder.ended()) {
            batch.endConnection();
        } else if (decoder.takeContinue()) {
            batch.addContinue();
        }
    }

    /** Adds the 408 for a request that did not arrive in time, and the close after it. Event loop. */
    void dispatchRequestTimeout(Batch batch) {
        refuse(batch, ErrorResponses.REQUEST_TIMEOUT, "request not received in time");
    }

    /**
     * Adds {@code error} for bytes that are not a request (or not one in time), without content for a HEAD, then
     * the close, and tells of it.
     */
    private void refuse(Batch batch, Response error, String message) {
        batch.addReady(decoder.answersHead() ? error.withoutBody() : error, ConnectionHeader.CLOSE);
        if (listener != null) {
            listener.decodeError(remote, error.status(), message);
        }
    }

    /**
     * Everything but a GET with an aggregated body served at once: other methods, HEAD, unknown methods (501),
     * {@code OPTIONS *} (the server's own answer), streamed bodies, and requests whose service must wait for an
     * unsafe request's ({@link RequestOrder}), or an unsafe request for those before it: its service is called once
     * its response is subscribed to, when they have completed.
     */
    private void dispatchOther(DecodedRequest request, ConnectionHeader connection, Batch batch) {
        boolean streamed = request.isBodyStreamed();
        if (streamed && decoder.takeContinue()) {
            batch.addContinue(); // before the service runs: the client sends the body once it sees this
        }
        boolean unsafe = RequestOrder.isUnsafe(request.method());
        Mono<Response> response = order.mustWait(request.method(), batch)
                ? Mono.defer(() -> respond(service, request)) : respond(service, request);
        if (unsafe && (streamed || !(response instanceof Callable<?>))) {
            order.unsafeQueued(); // not complete (its body still arriving): the requests after it wait for it
        }
        if (!streamed) {
            answer(request, response, connection, batch, unsafe);
            return;
        }
        // A body the service did not subscribe to is dropped once the response is ready, so reading goes on.
        if (response instanceof Callable<?> ready) {
            response = Mono.just(discardingBody(valueOf(ready, request), request));
        } else {
            response = ErrorResponses.orErrorResponse(response, request)
                    .map(value -> discardingBody(value, request))
                    .doOnCancel(request::discardBody);
        }
        if (listener != null) {
            response = told(response, request);
        }
        // Until its body has been read, even a request that ends the connection must not stop the reading.
        batch.addPendingStreamed(response, request, decoder.detach(), connection, unsafe);
    }

    /**
     * {@code response}, once the request's body is dropped if nobody subscribed to it: now, or for a streamed
     * response once its stream has ended, as the stream may be the body itself (echoed) and subscribe to it only
     * when its turn to be sent comes.
     */
    private static Response discardingBody(Response response, DecodedRequest request) {
        if (response instanceof EncodedResponse encoded && encoded.stream() != null) {
            return encoded.withStream(Flux.from(encoded.stream()).doFinally(signal -> request.discardBody()));
        }
        request.discardBody();
        return response;
    }

    /**
     * Adds the response of the request polled last to the batch: now if it is ready, else once it completes;
     * {@code unsafe}: the request's method is ({@link RequestOrder}).
     */
    private void answer(DecodedRequest request, Mono<Response> response, ConnectionHeader connection, Batch batch,
                        boolean unsafe) {
        if (response instanceof Callable<?> ready) {
            // Already complete (Mono.just, fromSupplier, error): take the value now, no subscription.
            Response value = valueOf(ready, request);
            if (EncodedResponse.isStreamed(value)) {
                // Its stream may read the request when its elements come, after this read: the request and its
                // bytes must outlive the read, as those of a response still being computed do.
                batch.addPending(Mono.just(value), decoder.detach(), connection, unsafe);
                if (unsafe) {
                    order.unsafeQueued(); // its stream is the rest of its work: the requests after it wait for it
                }
            } else {
                batch.addReady(value, connection);
            }
            if (listener != null) {
                exchange(request, value);
            }
        } else {
            response = ErrorResponses.orErrorResponse(response, request);
            batch.addPending(listener != null ? told(response, request) : response, decoder.detach(), connection,
                    unsafe);
        }
    }

    /** {@code response}, telling the listener of it when it comes (the request is still valid then). */
    private Mono<Response> told(Mono<Response> response, DecodedRequest request) {
        return response.doOnNext(value -> exchange(request, value));
    }

    private void exchange(DecodedRequest request, Response response) {
        long bytes = request.method() == Method.HEAD ? 0 : response.contentLength();
        listener.exchange(new Exchange(remote, request.methodName(), request.uri(), request.route(),
                response.status().code(), bytes, System.nanoTime() - readStart));
    }

    /**
     * The answer to {@code request}: the server's own (501 for unknown methods, {@code OPTIONS *}), or
     * its service's, HEAD's without a body. The policy of both pipelines (see {@link SimpleConnection}).
     */
    static Mono<Response> respond(Service service, DecodedRequest request) {
        Method method = request.method();
        Mono<Response> response = switch (method) {
            case OTHER -> UNKNOWN_METHOD;
            case OPTIONS -> request.isAsteriskForm() ? SERVER_OPTIONS : ErrorResponses.call(service, request);
            default -> ErrorResponses.call(service, request);
        };
        if (method != Method.HEAD) {
            return response;
        }
        // The headers of GET, Content-Length included, and no body, whatever the service did; at once if ready.
        return response instanceof Callable<?> ready ? Mono.just(valueOf(ready, request).withoutBody())
                : ErrorResponses.orErrorResponse(response, request).map(Response::withoutBody);
    }

    /** The value of a response that is complete already, or the error response for its failure or absence. */
    private static Response valueOf(Callable<?> ready, DecodedRequest request) {
        try {
            Response response = (Response) ready.call();
            return response != null ? ErrorResponses.sendable(response, request) : ErrorResponses.NO_RESPONSE;
        } catch (Throwable e) { // a supplier's Error too, as in ErrorResponses.call
            Exceptions.throwIfJvmFatal(e);
            return ErrorResponses.serviceFailed(e, request);
        }
    }
}
