package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import minihttp.LeakCheck;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pipelined requests run in parallel only while all are safe (RFC 9112 section 9.3.2): a POST's service runs once
 * the responses before it are complete, and the services of the requests after it once its own is, whether they
 * come in its read or in later ones. Responses leave in request order in every case.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RequestOrderTest {

    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private RunningServer server;

    @BeforeEach
    void start() {
        Service service = Router.builder()
                // Changes the counter 50 ms after it is subscribed to.
                .post("/inc", request -> Mono.delay(Duration.ofMillis(50))
                        .map(x -> Response.text("now " + counter.incrementAndGet())))
                .post("/slow-blocking", Service.blocking(request -> {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return Response.text("done");
                }))
                // Reads the counter when called: at dispatch, unless it must wait.
                .get("/counter", Service.sync(request -> Response.text("counter " + counter.get())))
                .get("/slow-counter", request -> {
                    calls.add("slow-counter");
                    return Mono.delay(Duration.ofMillis(50)).map(x -> Response.text("counter " + counter.get()));
                })
                .route(minihttp.http.Method.PUT, "/set", Service.sync(request -> {
                    calls.add("set");
                    counter.set(Integer.parseInt(request.queryParam("to")));
                    return Response.text("set");
                }))
                .get("/slow-stream", Service.sync(request -> Response.status(HttpStatus.OK).bodyText(
                        Flux.range(0, 3).delayElements(Duration.ofMillis(20)).map(i -> "s" + i)
                                .doOnComplete(() -> calls.add("get-stream-end")))))
                .post("/post-stream", Service.sync(request -> Response.status(HttpStatus.OK).bodyText(
                        Flux.range(0, 3).delayElements(Duration.ofMillis(20)).map(i -> "p" + i)
                                .doOnComplete(() -> calls.add("post-stream-end")))))
                .post("/mark", request -> {
                    calls.add("post-called");
                    return Mono.just(Response.text("marked"));
                })
                .get("/record", request -> {
                    calls.add("get-called");
                    return Mono.just(Response.text("recorded"));
                })
                .post("/count", Service.streaming(request -> request.bodyStream()
                        .reduce(0L, (count, piece) -> count + piece.readableBytes())
                        .map(count -> Response.text("counted " + count))))
                .build();
        server = HttpServer.create().port(0).threads(1).handle(service).bind();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        LeakCheck.assertNoLeaks();
    }

    @Test
    void aGetAfterAPostInTheSameReadSeesWhatThePostDid() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(post("/inc") + get("/counter") + post("/inc") + get("/counter"));
            assertEquals("now 1", client.read().body());
            assertEquals("counter 1", client.read().body());
            assertEquals("now 2", client.read().body());
            assertEquals("counter 2", client.read().body());
        }
    }

    @Test
    void aGetInALaterReadWaitsForThePostBeforeIt() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(post("/inc"));
            Thread.sleep(10); // its own read, while the POST's response is still being computed
            client.write(get("/counter"));
            assertEquals("now 1", client.read().body());
            assertEquals("counter 1", client.read().body());
        }
    }

    @Test
    void anUnsafeRequestWaitsForTheSafeOnesBeforeIt() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/slow-counter") + "PUT /set?to=7 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
                    + get("/counter"));
            assertEquals("counter 0", client.read().body(), "the GET before the PUT saw the PUT's change");
            assertEquals("set", client.read().body());
            assertEquals("counter 7", client.read().body());
            assertEquals(List.of("slow-counter", "set"), calls);
        }
    }

    @Test
    void pipelinedBlockingPostsRunOneAtATime() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(post("/slow-blocking").repeat(4));
            for (int i = 0; i < 4; i++) {
                assertEquals("done", client.read().body());
            }
        }
        assertEquals(1, mostRunning.get(), "pipelined POSTs ran at the same time");
    }

    /**
     * A streamed body whose service waits for the requests before it is held meanwhile, reading paused past what
     * its queue holds, and taken once the service runs.
     */
    @Test
    void aStreamedBodyWaitsWithItsService() throws Exception {
        int length = 1 << 20;
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/slow-counter") + "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: " + length
                    + "\r\n\r\n" + "x".repeat(length) + post("/inc") + get("/counter"));
            assertEquals("counter 0", client.read().body());
            assertEquals("counted " + length, client.read().body());
            assertEquals("now 1", client.read().body());
            assertEquals("counter 1", client.read().body());
        }
    }

    /** A streamed response's work is its stream: an unsafe request after it waits for its end, and vice versa. */
    @Test
    void aStreamedResponseIsCompleteOnlyOnceItsStreamHasEnded() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/slow-stream") + post("/mark") + post("/post-stream") + get("/record"));
            StreamedResponseTest.readHead(client);
            assertEquals("s0s1s2", StreamedResponseTest.readChunkedBody(client));
            assertEquals("marked", client.read().body());
            StreamedResponseTest.readHead(client);
            assertEquals("p0p1p2", StreamedResponseTest.readChunkedBody(client));
            assertEquals("recorded", client.read().body());
            assertEquals(List.of("get-stream-end", "post-called", "post-stream-end", "get-called"), calls);
        }
    }

    /**
     * A {@code 100 Continue} owed behind a response still being computed goes out with that response, not with the
     * whole batch: the batch waits for the body the client sends only once it sees the 100.
     */
    @Test
    void aContinueBehindASlowResponseLeavesWithIt() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            client.write(get("/slow-counter") + "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            assertEquals("counter 0", client.read().body());
            StringBuilder interim = new StringBuilder();
            while (!interim.toString().endsWith("\r\n\r\n")) {
                interim.append((char) client.readByte());
            }
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim.toString());
            client.write("hello");
            assertEquals("counted 5", client.read().body());
        }
    }

    @Test
    void safeRequestsStillRunTogether() throws Exception {
        try (RawClient client = new RawClient(server.port())) {
            long from = System.nanoTime();
            client.write(get("/slow-counter").repeat(8));
            for (int i = 0; i < 8; i++) {
                assertEquals("counter 0", client.read().body());
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
            assertTrue(ms < 8 * 50, "8 GETs of 50 ms took " + ms + " ms: they did not run together");
        }
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    private static String post(String target) {
        return "POST " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n";
    }
}
