package minihttp.service;

import java.util.Objects;
import minihttp.http.Request;
import minihttp.http.Response;
import reactor.core.publisher.Mono;

/**
 * Work around a service: sees each request before it and each response after it, e.g. to log, to add a CORS or
 * request-id header ({@link Response#withHeader}), to check a token, or to pass a value on
 * ({@link Request#attribute(String, Object)}).
 *
 * <pre>{@code
 * Filter requestId = (request, next) -> next.call(request).map(r -> r.withHeader("X-Request-Id", newId()));
 * Service app = requestId.andThen(logging).around(router);
 * }</pre>
 *
 * <p>{@link #around} keeps what the wrapped service declares: a filtered service streams the bodies its service
 * streams ({@link Service#streamsBody}). A plain lambda {@code request -> router.call(request)} would not, which is
 * why filters are written as this type.
 */
@FunctionalInterface
public interface Filter {

    /**
     * Answers a request, usually by calling {@code next} and transforming what it returns.
     *
     * @param request the request
     * @param next the service (or the next filter) being wrapped
     * @return the response
     */
    Mono<Response> filter(Request request, Service next);

    /**
     * This filter around {@code service}: the result calls this filter with {@code service} as {@code next}, and
     * streams the request bodies that {@code service} streams.
     *
     * @param service the service to wrap
     * @return the filtered service
     */
    default Service around(Service service) {
        Objects.requireNonNull(service);
        Filter filter = this;
        return new Service() {
            @Override
            public Mono<Response> call(Request request) {
                return filter.filter(request, service);
            }

            @Override
            public boolean streamsBody(Request request) {
                return service.streamsBody(request);
            }
        };
    }

    /**
     * This filter, then {@code inner}: {@code a.andThen(b).around(s)} is {@code a.around(b.around(s))}, so
     * {@code a} sees the request first and the response last.
     *
     * @param inner the filter to run inside this one
     * @return the composed filter
     */
    default Filter andThen(Filter inner) {
        Objects.requireNonNull(inner);
        return (request, next) -> filter(request, inner.around(next));
    }
}
