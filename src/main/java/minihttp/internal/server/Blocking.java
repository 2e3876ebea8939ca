package minihttp.internal.server;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.DecodedRequest;
import minihttp.service.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where {@link Service#blocking} runs plain synchronous code: a virtual thread per call on JDK 21+, Reactor's
 * shared {@link Schedulers#boundedElastic()} on JDK 17. Never an event loop, which must not wait.
 *
 * <p>The project compiles for release 17, so the JDK 21 factory {@code Executors.newVirtualThreadPerTaskExecutor}
 * is looked up at run time.
 */
public final class Blocking {

    private static final String VIRTUAL_FACTORY = "newVirtualThreadPerTaskExecutor";
    private static final Scheduler SCHEDULER;
    private static final boolean VIRTUAL;

    static {
        ExecutorService virtual = virtualThreadExecutor();
        VIRTUAL = virtual != null;
        SCHEDULER = VIRTUAL ? Schedulers.fromExecutorService(virtual, "minihttp-virtual")
                : Schedulers.boundedElastic();
    }

    private Blocking() {}

    /** The scheduler blocking services run on. */
    public static Scheduler scheduler() {
        return SCHEDULER;
    }

    /** Whether blocking services run on virtual threads (JDK 21+). */
    public static boolean usesVirtualThreads() {
        return VIRTUAL;
    }

    /** {@code virtual threads} or {@code boundedElastic}, for logs and reports. */
    public static String describe() {
        return VIRTUAL ? "virtual threads" : "boundedElastic";
    }

    /**
     * A service that runs {@code function} off the event loops (see {@code Service.blocking}). A thread cannot be
     * stopped once it runs, so a cancel (the client went away) must not release the request's bytes under it: the
     * call takes its own reference when it is subscribed, and releases it once both the function has returned and
     * the Mono has ended (what handles its value or its error reads the request too), or at once when the Mono ends
     * before the function started.
     */
    public static Service service(Function<Request, Response> function) {
        return request -> Mono.defer(() -> {
            retainBytes(request); // subscribed while the connection still holds them
            AtomicBoolean claimed = new AtomicBoolean();
            AtomicInteger holders = new AtomicInteger(2); // the running function, and the Mono until it ends
            return Mono.fromCallable(() -> {
                        if (!claimed.compareAndSet(false, true)) {
                            return null; // cancelled before it started
                        }
                        try {
                            return function.apply(request);
                        } finally {
                            letGo(holders, request);
                        }
                    })
                    .subscribeOn(SCHEDULER)
                    .doFinally(signal -> {
                        if (claimed.compareAndSet(false, true)) {
                            releaseBytes(request); // ended (cancelled, rejected) before the function ran
                        } else {
                            letGo(holders, request);
                        }
                    });
        });
    }

    private static void letGo(AtomicInteger holders, Request request) {
        if (holders.decrementAndGet() == 0) {
            releaseBytes(request);
        }
    }

    // A request the server decoded reads the connection's buffers, which it keeps alive while the function runs on
    // another thread, even if the client has gone; any other request (built in a test) holds nothing of the server's.
    private static void retainBytes(Request request) {
        if (request instanceof DecodedRequest decoded) {
            decoded.retainBytes();
        }
    }

    private static void releaseBytes(Request request) {
        if (request instanceof DecodedRequest decoded) {
            decoded.releaseBytes();
        }
    }

    private static ExecutorService virtualThreadExecutor() {
        try {
            MethodHandle factory = MethodHandles.publicLookup().findStatic(Executors.class, VIRTUAL_FACTORY,
                    MethodType.methodType(ExecutorService.class));
            return (ExecutorService) factory.invokeExact();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // JDK 17-20: no virtual threads
        } catch (Throwable e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
