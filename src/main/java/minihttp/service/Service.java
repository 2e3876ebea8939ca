package minihttp.service;

import java.util.function.Function;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.server.Blocking;
import reactor.core.publisher.Mono;

/**
 * A request in, a {@code Mono} of a response out: the one abstraction the server is built around.
 *
 * <p>A service that can answer at once should return a {@code Mono} that is already complete ({@code Mono.just},
 * {@code Mono.fromSupplier}): the connection takes its value without subscribing and encodes it in the same
 * write as its neighbours. Any other {@code Mono} is subscribed and may complete later, on any thread; responses
 * still leave in request order. An error or an empty {@code Mono} is answered with 500.
 *
 * <p>Bodies are aggregated by default: the request reaches the service once all of its body has arrived, within
 * the body limit, and {@link Request#body()} holds it. A service made with {@link #streaming} is called as soon as
 * the head has arrived instead, and reads the body from {@link Request#bodyStream()} as it comes, unlimited in
 * size and never held whole; if it does not subscribe, the body is discarded once its response is ready.
 */
@FunctionalInterface
public interface Service {

    /**
     * Answers a request.
     *
     * @param request the request, valid until the returned {@code Mono} completes
     * @return the response, now or later; an error or an empty {@code Mono} is answered with 500
     */
    Mono<Response> call(Request request);

    /**
     * Whether this service takes the body of {@code request} as a stream; asked only for requests with a body.
     *
     * @param request a request with a body, whose head has been read
     * @return whether this service takes the body as a stream
     */
    default boolean streamsBody(Request request) {
        return false;
    }

    /**
     * Makes a service take request bodies as streams.
     *
     * @param service the service
     * @return the service, taking request bodies as streams ({@link Request#bodyStream()})
     */
    static Service streaming(Service service) {
        return new Service() {
            @Override
            public Mono<Response> call(Request request) {
                return service.call(request);
            }

            @Override
            public boolean streamsBody(Request request) {
                return true;
            }
        };
    }

    /**
     * Wraps a plain synchronous function; its {@code Mono} is already complete when returned.
     *
     * @param function the function, which must not block
     * @return the service
     */
    static Service sync(Function<Request, Response> function) {
        return request -> Mono.just(function.apply(request));
    }

    /**
     * Wraps plain synchronous code that may block (file reads, sleeps, JDBC) without blocking an event loop: the
     * function runs on a virtual thread on JDK 21+, on Reactor's bounded elastic scheduler on JDK 17
     * ({@link Blocking}). The {@link Request} view stays valid while the function runs, and until its Mono has
     * ended, even if the client goes away meanwhile (a running thread cannot be stopped, so the call holds the
     * request's bytes itself); the function must not keep the request beyond returning. Pipelined responses still
     * leave in request order.
     *
     * @param function the function, which may block
     * @return the service
     */
    static Service blocking(Function<Request, Response> function) {
        return Blocking.service(function);
    }

    /**
     * Always answers with the same response, allocating nothing per request.
     *
     * @param response the response, which must not have a ByteBuf body
     * @return the service
     */
    static Service constant(Response response) {
        Mono<Response> mono = Mono.just(response);
        return request -> mono;
    }
}
