package minihttp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import minihttp.http.Response;
import minihttp.internal.server.Blocking;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Service#blocking}: plain blocking code runs off the event loop (virtual threads on JDK 21+, Reactor's
 * bounded elastic scheduler on JDK 17), so a single event loop keeps serving while hundreds of calls sleep.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingServiceTest {

    private static final int SLEEPERS = 200;
    private static final long SLEEP_MS = 2_000;
    /**
     * A loop that ran one blocking call would answer no sooner than SLEEP_MS; the median of the probes must be
     * well under it, and every probe under it (generous margins: the machine is shared).
     */
    private static final long PROMPT_MEDIAN_MS = SLEEP_MS / 2;
    /** Calls that surely run at once on either scheduler (boundedElastic allows 10 per core, at least 20 here). */
    private static final int SURELY_CONCURRENT = 10;
    private static final int PROBES = 5;
    private static final int SLOW_READ_TIMEOUT_MS = 60_000;

    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private final Queue<String> answers = new ConcurrentLinkedQueue<>();
    private final Queue<RuntimeException> errors = new ConcurrentLinkedQueue<>();
    private RunningServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() {
        Service sleep = Service.blocking(request -> {
            threads.add(Thread.currentThread());
            started.incrementAndGet();
            try {
                Thread.sleep(Long.parseLong(request.queryParam("ms")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                String answer = "slept " + request.queryParam("i"); // reads the request after blocking
                answers.add(answer);
                return Response.text(answer);
            } catch (RuntimeException e) {
                errors.add(e);
                throw e;
            } finally {
                finished.incrementAndGet();
            }
        });
        server = HttpServer.create().port(0).threads(1)
                .handle(Router.builder()
                        .get("/plaintext", Service.constant(Response.text("Hello, World!")))
                        .get("/sleep", sleep)
                        .build())
                .bind();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        server.close();
    }

    private RawClient connect(int readTimeoutMs) throws Exception {
        RawClient client = new RawClient(server.port(), readTimeoutMs);
        closeables.add(client);
        return client;
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    @Test
    void plaintextAnswersPromptlyWhileTwoHundredBlockingCallsSleep() throws Exception {
        List<RawClient> sleepers = new ArrayList<>();
        for (int i = 0; i < SLEEPERS; i++) {
            RawClient client = connect(SLOW_READ_TIMEOUT_MS);
            client.write(get("/sleep?ms=" + SLEEP_MS + "&i=" + i));
            sleepers.add(client);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (started.get() < SURELY_CONCURRENT && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(started.get() >= SURELY_CONCURRENT, "blocking calls started: " + started.get());

        // The only event loop serves other connections while the blocking calls sleep.
        long[] latencies = new long[PROBES];
        for (int probe = 0; probe < PROBES; probe++) {
            long t0 = System.nanoTime();
            RawClient client = connect(RawClient.DEFAULT_TIMEOUT_MS);
            client.write(get("/plaintext"));
            RawClient.Response r = client.read();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int sleeping = started.get() - finished.get();
            assertEquals("Hello, World!", r.body());
            assertTrue(ms < SLEEP_MS, "plaintext took " + ms + " ms while blocking calls slept");
            assertTrue(sleeping > 0, "no blocking call was in flight any more");
            latencies[probe] = ms;
        }
        Arrays.sort(latencies);
        assertTrue(latencies[PROBES / 2] < PROMPT_MEDIAN_MS, "plaintext latencies (ms): "
                + Arrays.toString(latencies));

        for (int i = 0; i < SLEEPERS; i++) {
            RawClient.Response r = sleepers.get(i).read();
            assertEquals(200, r.status());
            assertEquals("slept " + i, r.body());
        }
        assertEquals(SLEEPERS, finished.get());
        if (Blocking.usesVirtualThreads()) {
            // Virtual threads: every call sleeps at once, nothing waits for a pool thread.
            assertEquals(SLEEPERS, threads.stream().distinct().count());
        }
    }

    /** The client goes away while the call sleeps: the call still reads its request, then the bytes are released. */
    @Test
    void aCallOutlivingItsClientStillReadsItsRequest() throws Exception {
        RawClient client = connect(RawClient.DEFAULT_TIMEOUT_MS);
        client.write(get("/sleep?ms=500&i=7"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        client.close(); // the connection is cancelled while the function sleeps
        while (finished.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, finished.get());
        assertTrue(errors.isEmpty(), () -> "the call failed reading its request: " + errors);
        assertEquals("slept 7", answers.peek());
        Thread.sleep(100); // the last reference goes when the call ends; LeakCheck then finds nothing held
    }

    @Test
    void runsOnVirtualThreadsOnJdk21ElseOnBoundedElastic() throws Exception {
        RawClient client = connect(RawClient.DEFAULT_TIMEOUT_MS);
        client.write(get("/sleep?ms=1&i=0"));
        assertEquals("slept 0", client.read().body());
        Thread thread = threads.peek();
        boolean jdk21 = Runtime.version().feature() >= 21;
        assertEquals(jdk21, Blocking.usesVirtualThreads());
        if (jdk21) {
            assertEquals(Boolean.TRUE, Thread.class.getMethod("isVirtual").invoke(thread), thread.toString());
            assertEquals("virtual threads", Blocking.describe());
        } else {
            assertTrue(thread.getName().startsWith("boundedElastic-"), thread.getName());
        }
        assertTrue(!thread.getName().startsWith("minihttp-"), "ran on an event loop: " + thread);
    }

    @Test
    void pipelinedBlockingCallsAnswerInRequestOrder() throws Exception {
        RawClient client = connect(SLOW_READ_TIMEOUT_MS);
        StringBuilder requests = new StringBuilder();
        int n = 16;
        for (int i = 0; i < n; i++) {
            // Earlier requests sleep longer, so they finish last.
            requests.append(i % 4 == 3 ? get("/plaintext") : get("/sleep?ms=" + (n - i) * 10 + "&i=" + i));
        }
        client.write(requests.toString());
        List<RawClient.Response> responses = client.read(n);
        for (int i = 0; i < n; i++) {
            assertEquals(i % 4 == 3 ? "Hello, World!" : "slept " + i, responses.get(i).body(), "response " + i);
        }
    }
}
