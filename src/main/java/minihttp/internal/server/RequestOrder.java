package minihttp.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import minihttp.http.Method;
import minihttp.http.Response;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * When the services of one connection's pipelined requests run (RFC 9112 section 9.3.2): in parallel while every
 * request is safe, but a request that changes state (POST, PUT, DELETE, PATCH) only once the responses before it
 * are complete, and the requests after it only once its own is. Responses leave in request order either way.
 *
 * <p>A service is called when its request is dispatched, and the Mono it returns is subscribed to when its batch
 * waits for it; batches wait one after the other. A call that must wait is therefore made at that subscription
 * instead ({@link #mustWait}), and a batch holding an unsafe request subscribes to its response, and to those
 * after it, once those before it have been encoded, streamed bodies to their end ({@link #inOrder}). Everything
 * but the count of batches with an unsafe response runs on the event loop.
 */
final class RequestOrder {

    private static final AtomicIntegerFieldUpdater<RequestOrder> UNSAFE_BATCHES =
            AtomicIntegerFieldUpdater.newUpdater(RequestOrder.class, "unsafeBatches");

    /** Batches sent or being sent with an unsafe request's response still being computed; any thread. */
    private volatile int unsafeBatches;
    /** An unsafe request's response is being computed: the requests dispatched now wait for it. */
    private boolean afterUnsafe;
    /** Responses of earlier reads were being computed when this read began. */
    private boolean earlierPending;

    /** A read begins; {@code earlierPending}: responses of earlier reads are still being computed. */
    void readStarted(boolean earlierPending) {
        this.earlierPending = earlierPending;
        afterUnsafe = unsafeBatches > 0;
    }

    /** Whether the requests dispatched now come after an unsafe one still being served: then every call waits. */
    boolean afterUnsafe() {
        return afterUnsafe;
    }

    /** Whether the service of a request with {@code method}, in {@code batch}, must wait for those before it. */
    boolean mustWait(Method method, Batch batch) {
        return afterUnsafe || isUnsafe(method) && (earlierPending || batch.hasPending());
    }

    /** An unsafe request's response that is not complete was queued: the requests after it wait for it. */
    void unsafeQueued() {
        afterUnsafe = true;
    }

    /** {@code batch}, with an unsafe response, is on its way: its output's end must be told ({@link #unsafeDone}). */
    void unsafeSent() {
        UNSAFE_BATCHES.incrementAndGet(this);
    }

    /** A batch with an unsafe response ended; any thread. */
    void unsafeDone() {
        UNSAFE_BATCHES.decrementAndGet(this);
    }

    /** Whether a request with {@code method} may change the server's state: not safe (RFC 9110 section 9.2.1). */
    static boolean isUnsafe(Method method) {
        return method == Method.POST || method == Method.PUT || method == Method.DELETE || method == Method.PATCH;
    }

    /**
     * The responses of {@code entries}, each {@code encode}d in order once complete, subscribed to together except
     * at each barrier (an unsafe request's response): it is subscribed to once those before it have been encoded,
     * a streamed body to its end, and those after it once it has. {@code discard} releases an entry never
     * subscribed to, when the whole is cancelled.
     */
    static <T, R> Flux<R> inOrder(List<T> entries, Predicate<? super T> barrier,
                                  Function<? super T, Mono<Response>> completion,
                                  Function<Response, Flux<R>> encode, Consumer<? super T> discard) {
        List<Group<T>> groups = new ArrayList<>();
        List<T> run = new ArrayList<>();
        for (T entry : entries) {
            if (barrier.test(entry)) {
                if (!run.isEmpty()) {
                    groups.add(new Group<>(run));
                    run = new ArrayList<>();
                }
                groups.add(new Group<>(List.of(entry)));
            } else {
                run.add(entry);
            }
        }
        if (!run.isEmpty()) {
            groups.add(new Group<>(run));
        }
        return Flux.fromIterable(groups)
                .concatMap(group -> Flux.fromIterable(group.entries()).flatMapSequential(completion).concatMap(encode))
                .doOnDiscard(Group.class, group -> group.release(discard));
    }

    /** Entries subscribed to together. */
    private record Group<T>(List<T> entries) {
        @SuppressWarnings("unchecked")
        void release(Consumer<?> discard) {
            entries.forEach((Consumer<T>) discard);
        }
    }
}
