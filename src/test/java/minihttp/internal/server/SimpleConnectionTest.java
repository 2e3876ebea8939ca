package minihttp.internal.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import minihttp.http.Response;
import minihttp.server.Limits;
import minihttp.service.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The simple pipeline as a function from reads to encoded responses, without sockets: reads are lent as
 * reactor-netty lends them (emitted on demand, released once {@code onNext} returns), and the paranoid leak detector
 * (LeakCheck) checks that every request's bytes are let go, answered or cancelled.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SimpleConnectionTest {

    private static final Duration QUIET = Duration.ofMillis(50);

    private final Sinks.One<Response> first = Sinks.one();
    private final Sinks.One<Response> second = Sinks.one();
    private final Queue<String> called = new ConcurrentLinkedQueue<>();
    /** {@code /1} and {@code /2} answer when the test says so; any other path at once, with the path. */
    private final Service service = request -> {
        called.add(request.path());
        return switch (request.path()) {
            case "/1" -> first.asMono();
            case "/2" -> second.asMono();
            default -> Mono.just(Response.text(request.path()));
        };
    };

    private Flux<String> responses(String... reads) {
        return new SimpleConnection(service, Limits.DEFAULT, ByteBufAllocator.DEFAULT).responses(lent(reads))
                .map(SimpleConnectionTest::text);
    }

    @Test
    void servicesCompletingOutOfOrderAreAnsweredInRequestOrder() {
        StepVerifier.create(responses(get("/1") + get("/2") + get("/3")))
                .expectSubscription()
                .then(() -> second.tryEmitValue(Response.text("two")))
                .expectNoEvent(QUIET) // the second is ready, but the first is not answered yet
                .then(() -> first.tryEmitValue(Response.text("one")))
                .assertNext(r -> assertBody("one", r))
                .assertNext(r -> assertBody("two", r))
                .assertNext(r -> assertBody("/3", r))
                .verifyComplete();
        // concatMap calls a service once the one before it has answered: the calls are in order too.
        assertEquals(List.of("/1", "/2", "/3"), List.copyOf(called));
    }

    @Test
    void requestsSplitAcrossReadsAreAnswered() {
        String requests = get("/a") + get("/b");
        StepVerifier.create(responses(requests.substring(0, 5), requests.substring(5, 40), requests.substring(40)))
                .assertNext(r -> assertBody("/a", r))
                .assertNext(r -> assertBody("/b", r))
                .verifyComplete();
    }

    @Test
    void aRequestThatEndsTheConnectionIsItsLast() {
        StepVerifier.create(responses(get("/a") + "GET /b HTTP/1.0\r\n\r\n" + get("/never"), get("/never")))
                .assertNext(r -> assertBody("/a", r))
                .assertNext(r -> {
                    assertBody("/b", r);
                    assertTrue(r.contains("\r\nConnection: close\r\n"), r);
                })
                .verifyComplete();
        assertEquals(List.of("/a", "/b"), List.copyOf(called));
    }

    @Test
    void malformedInputIsAnsweredWithTheDecodersStatusAfterTheRequestsBeforeIt() {
        StepVerifier.create(responses(get("/1") + "GET /x HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n" + get("/never")))
                .then(() -> first.tryEmitValue(Response.text("one")))
                .assertNext(r -> assertBody("one", r))
                .assertNext(r -> {
                    assertTrue(r.startsWith("HTTP/1.1 400 Bad Request\r\n"), r);
                    assertTrue(r.contains("\r\nConnection: close\r\n"), r);
                })
                .verifyComplete();
    }

    @Test
    void headGetsNoBodyAndAnUnknownMethod501() {
        StepVerifier.create(responses("HEAD /abc HTTP/1.1\r\nHost: h\r\n\r\nBREW /pot HTTP/1.1\r\nHost: h\r\n\r\n"))
                .assertNext(r -> {
                    assertTrue(r.contains("\r\nContent-Length: 4\r\n"), r);
                    assertTrue(r.endsWith("\r\n\r\n"), r);
                })
                .assertNext(r -> assertTrue(r.startsWith("HTTP/1.1 501 "), r))
                .verifyComplete();
    }

    @Test
    void cancellingWithRequestsPendingAndQueuedLeaksNothing() {
        // /1 pending, /2 and more queued, one more read waiting: cancelling drops them all; LeakCheck checks.
        StepVerifier.create(responses(get("/1") + get("/2") + get("/3"), get("/4")))
                .expectSubscription()
                .expectNoEvent(QUIET)
                .thenCancel()
                .verify();
        assertEquals(List.of("/1"), List.copyOf(called));
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n";
    }

    private static void assertBody(String body, String response) {
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\n" + body), response);
    }

    /** The reads, each a pooled buffer, emitted on demand and released once {@code onNext} returns. */
    private static Flux<Object> lent(String... reads) {
        Iterator<String> next = List.of(reads).iterator();
        return Flux.generate(sink -> {
            if (!next.hasNext()) {
                sink.complete();
                return;
            }
            ByteBuf read = ByteBufAllocator.DEFAULT.directBuffer().writeBytes(next.next().getBytes(US_ASCII));
            try {
                sink.next(read);
            } finally {
                read.release();
            }
        });
    }

    private static String text(ByteBuf response) {
        try {
            return response.toString(US_ASCII);
        } finally {
            response.release();
        }
    }
}
