package minihttp.internal.server;

import io.netty.buffer.ByteBuf;
import minihttp.http.BodyException;
import minihttp.http.HttpStatus;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.EncodedResponse;
import minihttp.internal.codec.ResponseEncoder;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import minihttp.service.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * Every response the server makes of an error, in one place: a status and a short text body. Decoder errors,
 * 408 after a deadline, 500 for a service that failed or completed empty, 501, and a request body's own status.
 */
public final class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    /** A service completed without a response. */
    public static final Response NO_RESPONSE = text(HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error: no response");
    /** A service threw or failed; what failed is logged, not sent. */
    static final Response SERVICE_FAILED = text(HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error");
    /** A deadline passed with a request unfinished. */
    static final Response REQUEST_TIMEOUT = text(HttpStatus.REQUEST_TIMEOUT, "Request Timeout");
    /** The study pipeline ({@link SimpleConnection}) does not send streamed bodies. */
    static final Response STREAM_NEEDS_BATCHED_PIPELINE = text(HttpStatus.INTERNAL_SERVER_ERROR,
            "Internal Server Error: a streamed response needs the batched pipeline");
    static final Response UNKNOWN_METHOD = text(HttpStatus.NOT_IMPLEMENTED, "Not Implemented: unknown method");

    private ErrorResponses() {}

    /**
     * The service's answer; a service that throws or returns null answers with an error or nothing. Any throwable
     * but the JVM's fatal ones, as Reactor's operators do: an {@code Error} or a checked exception thrown sneakily
     * must not end the connection's pipeline, and the responses owed before it, with it. The testing kit
     * calls services through it too.
     */
    public static Mono<Response> call(Service service, Request request) {
        try {
            Mono<Response> response = service.call(request);
            return response != null ? response : Mono.empty();
        } catch (Throwable e) {
            Exceptions.throwIfJvmFatal(e);
            return Mono.error(e);
        }
    }

    /** The answer to input the decoder refused: its status, and its message as the body. */
    static Response decoderError(HttpStatus status, String message) {
        return text(status, message);
    }

    /**
     * {@code response}, or the 500 of a failed service for one that cannot be sent: its ByteBuf body was released
     * already (a response with such a body answered twice). Checked where the response is taken, so that the
     * listener hears the status the client gets.
     */
    static Response sendable(Response response, Request request) {
        if (response instanceof EncodedResponse encoded && encoded.bodyBuf() != null
                && encoded.bodyBuf().refCnt() == 0) {
            return serviceFailed(new IllegalStateException("a response's ByteBuf body was released before it was"
                    + " sent: a response with a ByteBuf body can be answered once only"), request);
        }
        return response;
    }

    /**
     * Appends {@code response} to {@code out}, or, should it fail to encode, the 500 of a failed service in its
     * place (what was written of it dropped): a connection never ends over a response it cannot write.
     */
    static Response encode(Response response, ByteBuf out, byte[] date, ConnectionHeader connection) {
        int start = out.writerIndex();
        try {
            ResponseEncoder.encode(response, out, date, connection);
            return response;
        } catch (RuntimeException e) {
            out.writerIndex(start);
            Response failed = serviceFailed(e);
            ResponseEncoder.encode(failed, out, date, connection);
            return failed;
        }
    }

    /** {@code response}, with a failure or no response at all turned into the error response that says so. */
    static Mono<Response> orErrorResponse(Mono<Response> response) {
        return orErrorResponse(response, null);
    }

    /**
     * {@link #orErrorResponse(Mono)}, logging a failure with the request it answers ({@code null}: not known here);
     * the request is valid until the response completes, so it is read then.
     */
    static Mono<Response> orErrorResponse(Mono<Response> response, Request request) {
        return response.map(value -> sendable(value, request))
                .onErrorResume(e -> Mono.just(serviceFailed(e, request))).defaultIfEmpty(NO_RESPONSE);
    }

    /** The response for a service that failed: 500, or the status of a request body that could not be read. */
    static Response serviceFailed(Throwable error) {
        return serviceFailed(error, null);
    }

    /** {@link #serviceFailed(Throwable)}, logging the request it answers ({@code null}: not known here). */
    static Response serviceFailed(Throwable error, Request request) {
        if (error instanceof BodyException) {
            return answerTo(error);
        }
        if (request != null) {
            log.warn("service failed answering {} {}", request.methodName(), request.uri(), error);
        } else {
            log.warn("service failed", error);
        }
        return SERVICE_FAILED;
    }

    /**
     * The answer to a service's failure, without logging it: the status of a request body that could not be read,
     * else 500. The testing kit answers as the server does with it.
     */
    public static Response answerTo(Throwable error) {
        return error instanceof BodyException body ? text(body.status(), body.getMessage()) : SERVICE_FAILED;
    }

    /** One line of text, as every error body is. */
    private static Response text(HttpStatus status, String message) {
        return Response.text(status, message + "\n");
    }
}
