package minihttp.internal.server;

import minihttp.http.Response;
import minihttp.internal.codec.DecodedRequest;
import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;
import reactor.core.publisher.Mono;

/** What a {@link Batch} queues, in request order, from its first response that was not ready. */
sealed interface QueuedResponse {

    /** The response, once it is complete; nothing for a {@code 100 Continue}, which has none. */
    Mono<Response> completion();

    /** The Connection header it goes out with: a streamed body that failed ends the connection. */
    ConnectionHeader connection();

    /** The same, saying {@code Connection: close}: a graceful shutdown ends the connection after it. */
    QueuedResponse closing();

    /** Whether its request waits for those before it and is waited for ({@link RequestOrder}). */
    default boolean unsafe() {
        return false;
    }

    /** Releases what it holds, if it was never subscribed to. */
    default void release() {}

    /** A response that was ready when it was added. */
    record Ready(Response response, ConnectionHeader connection) implements QueuedResponse {
        @Override
        public Mono<Response> completion() {
            return Mono.just(response);
        }

        @Override
        public QueuedResponse closing() {
            return new Ready(response, ConnectionHeader.CLOSE);
        }

        @Override
        public void release() {
            response.release();
        }
    }

    /**
     * A response still being computed, failures already error responses; {@code streamed}: its request, if its
     * body streams in; {@code unsafe}: its request's method is.
     */
    record Pending(Mono<Response> response, ConnectionHeader connection, DecodedRequest streamed, boolean unsafe)
            implements QueuedResponse {
        @Override
        public Mono<Response> completion() {
            return response;
        }

        @Override
        public ConnectionHeader connection() {
            return streamed != null && streamed.bodyFailed() ? ConnectionHeader.CLOSE : connection;
        }

        @Override
        public QueuedResponse closing() {
            return new Pending(response, ConnectionHeader.CLOSE, streamed, unsafe);
        }
    }

    /** {@code 100 Continue}, which goes out once the responses before it have. */
    enum Continue implements QueuedResponse {
        INTERIM;

        @Override
        public Mono<Response> completion() {
            return Mono.empty();
        }

        @Override
        public ConnectionHeader connection() {
            return ConnectionHeader.NONE;
        }

        @Override
        public QueuedResponse closing() {
            return this;
        }
    }
}
