package minihttp.internal.server;

import java.util.Arrays;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.DecodedRequest;
import minihttp.service.Service;

/**
 * Who answers a request: its service, or the server itself for what is no service's to answer (an unknown method,
 * CONNECT, {@code OPTIONS *}); and HEAD's rule, the headers of GET without the body. The policy of the simple
 * pipeline ({@link SimpleConnection}), the same as the batched one's.
 */
final class Dispatch {

    private static final Mono<Response> NOT_IMPLEMENTED =
            Mono.just(Response.text(HttpStatus.NOT_IMPLEMENTED, "Not Implemented: unknown method\n"));
    /** The server is no proxy: CONNECT, whatever its target, is not for services to answer. */
    private static final Mono<Response> CONNECT_NOT_IMPLEMENTED =
            Mono.just(Response.text(HttpStatus.NOT_IMPLEMENTED, "Not Implemented: CONNECT\n"));
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

    private Dispatch() {}

    /** The answer to {@code request}: the server's own, or its service's (HEAD's without a body). */
    static Mono<Response> answer(Service service, DecodedRequest request) {
        Method method = request.method();
        Mono<Response> response = switch (method) {
            case OTHER -> NOT_IMPLEMENTED;
            case CONNECT -> CONNECT_NOT_IMPLEMENTED;
            case OPTIONS -> request.isAsteriskForm() ? SERVER_OPTIONS : call(service, request);
            default -> call(service, request);
        };
        // The headers of GET, Content-Length included, and no body, whatever the service did.
        return method == Method.HEAD ? Batch.settled(response).map(Response::withoutBody) : response;
    }

    /** The service's answer; a service that throws or returns null answers with an error or nothing. */
    static Mono<Response> call(Service service, Request request) {
        try {
            Mono<Response> response = service.call(request);
            return response != null ? response : Mono.empty();
        } catch (RuntimeException e) {
            return Mono.error(e);
        }
    }
}
