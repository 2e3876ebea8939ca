package minihttp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import minihttp.http.BodyException;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.DateCache;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.ResponseEncoder;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import minihttp.internal.codec.ResponseFraming;
import minihttp.internal.server.ErrorResponses;
import minihttp.service.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link Service} (a {@link minihttp.service.Router} too) on a {@link TestRequest} and returns its response
 * as the server's encoder writes it, parsed back: what a client would read, {@code Date} and {@code Connection}
 * included. As in the server, an error or an empty {@code Mono} is answered with 500 (the status of a
 * {@link BodyException}), and HEAD gets the headers without the body. A streamed body is collected, framed as the
 * server frames it; a stream that fails ends the response where it failed, its {@link TestResponse#error()} set
 * (the server closes the connection there). The server's own answers (malformed input,
 * 501 for an unknown method, {@code OPTIONS *}) come before any service and are not involved here.
 */
public final class ServiceTester {

    /** How long {@link #call} waits for the service's {@code Mono}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);


    private ServiceTester() {}

    /**
     * Builds the request for {@code service}, runs the service, waits for its response and releases the request.
     *
     * @param service the service or router under test
     * @param request the request to build, its body streamed if the service streams it
     * @return the response as a client reads it
     */
    public static TestResponse call(Service service, TestRequest.Builder request) {
        try (TestRequest built = request.buildFor(service)) {
            return call(service, built);
        }
    }

    /**
     * Runs {@code service} on {@code request} and waits for its response; the caller still closes the request.
     *
     * @param service the service or router under test
     * @param request the request, left open
     * @return the response as a client reads it
     */
    public static TestResponse call(Service service, TestRequest request) {
        return call(service, request, DEFAULT_TIMEOUT);
    }

    /**
     * {@link #call(Service, TestRequest)}, failing with an {@link AssertionError} after {@code timeout}.
     *
     * @param service the service or router under test
     * @param request the request, left open
     * @param timeout how long to wait for the service's {@code Mono}
     * @return the response as a client reads it
     */
    public static TestResponse call(Service service, TestRequest request, Duration timeout) {
        try {
            return respond(service, request).block(timeout);
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Timeout")) {
                throw new AssertionError(request + ": no response within " + timeout, e);
            }
            throw e;
        }
    }

    /**
     * The response of {@code service} to {@code request}, as a {@code Mono} for {@code StepVerifier} (with virtual
     * time, for services that wait); close the request once it has completed.
     *
     * @param service the service or router under test
     * @param request the request, to close once the {@code Mono} has completed
     * @return the response as a client reads it, once the service has answered
     */
    public static Mono<TestResponse> respond(Service service, TestRequest request) {
        Request decoded = request.request();
        ConnectionHeader connection = ConnectionHeader.answering(decoded);
        boolean head = decoded.method() == Method.HEAD;
        return Mono.defer(() -> ErrorResponses.call(service, decoded)) // a throw or null as the server takes them
                .flatMap(response -> !head && response instanceof EncodedResponse encoded && encoded.stream() != null
                        ? collect(encoded, connection) : Mono.just(encode(response, connection, head, null)))
                .onErrorResume(error -> Mono.just(encode(ErrorResponses.answerTo(error), connection, head, error)))
                .switchIfEmpty(Mono.fromSupplier(() -> encode(ErrorResponses.NO_RESPONSE, connection, head, null)))
                .doOnDiscard(Response.class, Response::release);
    }

    /** Writes {@code response} with the server's encoder (which releases a ByteBuf body) and parses it back. */
    private static TestResponse encode(Response response, ConnectionHeader connection, boolean head, Throwable error) {
        ByteBuf out = Unpooled.buffer();
        try {
            ResponseEncoder.encode(head ? response.withoutBody() : response, out, DateCache.bytes(), connection);
            return TestResponse.parse(ByteBufUtil.getBytes(out), head, error);
        } finally {
            out.release();
        }
    }

    /** Writes a streamed response as the server frames it, its body collected, and parses it back. */
    private static Mono<TestResponse> collect(EncodedResponse response, ConnectionHeader connection) {
        ResponseFraming framing = ResponseFraming.of(response, connection);
        ByteBuf out = Unpooled.buffer();
        ResponseEncoder.encodeStreamedHead(response, framing, out, DateCache.bytes(), connection);
        long[] sent = {0};
        return Flux.from(response.stream())
                // then() discards each element once it has passed here: the discard hook below releases it.
                .doOnNext(data -> {
                    if (!data.isReadable()) {
                        return;
                    }
                    sent[0] += data.readableBytes();
                    if (framing == ResponseFraming.CHUNKED) {
                        ByteBuf chunk = ResponseEncoder.chunk(out.alloc(), data.retain());
                        out.writeBytes(chunk);
                        chunk.release();
                    } else {
                        out.writeBytes(data);
                    }
                })
                .then(Mono.fromCallable(() -> {
                    if (framing == ResponseFraming.CHUNKED) {
                        ResponseEncoder.lastChunk(out);
                    }
                    // The server closes the connection after a stream whose length is not the one it declared.
                    Throwable error = framing == ResponseFraming.DECLARED_LENGTH && sent[0] != response.declaredLength()
                            ? new IllegalStateException("response stream sent " + sent[0] + " bytes of its "
                                    + "Content-Length " + response.declaredLength() + "; the server closes the connection")
                            : null;
                    return TestResponse.parse(ByteBufUtil.getBytes(out), false, error);
                }))
                .onErrorResume(error -> Mono.fromCallable(() -> TestResponse.parse(ByteBufUtil.getBytes(out), false,
                        error)))
                .doOnDiscard(ByteBuf.class, ByteBuf::release)
                .doFinally(signal -> out.release());
    }
}
