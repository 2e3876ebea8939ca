package minihttp.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.DecodedRequest;
import minihttp.server.Limits;
import minihttp.service.Router;
import minihttp.service.Service;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The testing kit: requests decoded by the server's decoder, responses parsed from its encoder's bytes, no leaks. */
class ServiceTesterTest {

    /** Echoes what it saw of the request. */
    private static final Service ECHO = Service.sync(request -> Response.status(HttpStatus.OK)
            .header("X-Method", request.methodName())
            .header("X-Path", request.path())
            .header("X-Id", String.valueOf(request.queryParam("id")))
            .header("X-Accept", String.valueOf(request.header("accept")))
            .contentType("text/plain")
            .body(request.bodyAsString(UTF_8)));

    @Test
    void getWithHeadersAndQueryReachesTheServiceAsTheServerDecodesIt() {
        TestResponse response = ServiceTester.call(ECHO,
                TestRequest.get("/users?id=1").header("Accept", "application/json"));
        response.assertStatus(200)
                .assertHeader("X-Method", "GET")
                .assertHeader("x-path", "/users")
                .assertHeader("X-Id", "1")
                .assertHeader("X-Accept", "application/json")
                .assertHeader("Content-Length", "0")
                .assertBody("");
        assertEquals("OK", response.reason());
        assertNotNull(response.header("Date"), "the encoder adds Date");
        assertEquals(List.of("Server", "X-Method", "X-Path", "X-Id", "X-Accept", "Content-Type", "Content-Length", "Date"),
                response.headerNames());
        assertFalse(response.closesConnection());
        assertNull(response.error());
        assertTrue(response.toString().startsWith("HTTP/1.1 200 OK\r\n"), response.toString());
    }

    @Test
    void theRequestIsTheServersOwnClassSoRoutingTakesItsFastPath() {
        try (TestRequest request = TestRequest.get("/a").build()) {
            assertInstanceOf(DecodedRequest.class, request.request());
        }
    }

    @Test
    void aggregatesABody() {
        ServiceTester.call(ECHO, TestRequest.post("/echo").body("héllo")).assertStatus(200).assertBody("héllo");
        ServiceTester.call(ECHO, TestRequest.post("/echo").chunks("ab", "", "cd")).assertBody("abcd");
    }

    @Test
    void streamsABodyPieceByPieceForStepVerifier() {
        try (TestRequest request = TestRequest.post("/up").chunks("one", "two", "three").streamedBody().build()) {
            assertTrue(request.request().isBodyStreamed());
            StepVerifier.create(request.request().bodyStream().map(piece -> piece.toString(UTF_8)))
                    .expectNext("one", "two", "three")
                    .verifyComplete();
        }
    }

    @Test
    void aStreamingServiceGetsItsBodyAsAStream() {
        Service upload = Service.streaming(request -> request.bodyStream()
                .reduce(0, (count, piece) -> count + piece.readableBytes())
                .map(count -> Response.text(request.isBodyStreamed() + " " + count)));
        ServiceTester.call(upload, TestRequest.post("/up").body(new byte[100_000])).assertBody("true 100000");
        Router router = Router.builder().post("/up", upload).build();
        ServiceTester.call(router, TestRequest.post("/up").chunks("a", "bc")).assertBody("true 3");
    }

    @Test
    void aStreamedBodyNobodyReadsIsReleased() {
        ServiceTester.call(Service.streaming(Service.constant(Response.text("ignored"))),
                TestRequest.post("/up").chunks("never", "read")).assertBody("ignored");
        TestRequest.post("/up").body("never read").streamedBody().build().close();
    }

    @Test
    void failuresAreAnsweredAsTheServerAnswersThem() {
        IllegalStateException thrown = new IllegalStateException("on purpose");
        TestResponse failed = ServiceTester.call(request -> Mono.error(thrown), TestRequest.get("/"));
        failed.assertStatus(500).assertBody("Internal Server Error\n");
        assertEquals(thrown, failed.error());
        ServiceTester.call(request -> { throw thrown; }, TestRequest.get("/")).assertStatus(500);
        ServiceTester.call(request -> Mono.empty(), TestRequest.get("/")).assertStatus(500);
        AssertionError wrong = assertThrows(AssertionError.class, () -> failed.assertStatus(200));
        assertTrue(wrong.getMessage().contains("HTTP/1.1 500"), wrong.getMessage());
        assertEquals(thrown, wrong.getCause());
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() {
        Router router = Router.builder().get("/", Service.constant(Response.text("twelve bytes"))).build();
        TestResponse head = ServiceTester.call(router, TestRequest.head("/"));
        head.assertStatus(200).assertHeader("Content-Length", "12").assertBody("");
    }

    @Test
    void theConnectionHeaderIsTheOneTheServerSends() {
        assertTrue(ServiceTester.call(ECHO, TestRequest.get("/").http10()).closesConnection());
        ServiceTester.call(ECHO, TestRequest.get("/").http10().header("Connection", "keep-alive"))
                .assertHeader("Connection", "keep-alive");
        assertTrue(ServiceTester.call(ECHO, TestRequest.get("/").header("Connection", "close")).closesConnection());
    }

    @Test
    void aByteBufBodyAndABlockingServiceLeakNothing() {
        Service buffered = Service.sync(r -> Response.status(HttpStatus.OK)
                .body(ByteBufAllocator.DEFAULT.directBuffer().writeBytes("pooled".getBytes(UTF_8))));
        ServiceTester.call(buffered, TestRequest.get("/")).assertBody("pooled");
        ServiceTester.call(buffered, TestRequest.head("/")).assertHeader("Content-Length", "6").assertBody("");
        Service blocking = Service.blocking(r -> Response.text(r.header("X-Name") + " on " + Thread.currentThread().isDaemon()));
        ServiceTester.call(blocking, TestRequest.get("/").header("X-Name", "blocked")).assertBody("blocked on true");
    }

    @Test
    void virtualTimeRunsAServiceThatWaits() {
        Service slow = request -> Mono.delay(Duration.ofMinutes(5)).map(x -> Response.text("late"));
        try (TestRequest request = TestRequest.get("/slow").build()) {
            StepVerifier.withVirtualTime(() -> ServiceTester.respond(slow, request))
                    .thenAwait(Duration.ofMinutes(5))
                    .assertNext(response -> response.assertStatus(200).assertBody("late"))
                    .verifyComplete();
        }
    }

    @Test
    void aServiceThatNeverAnswersFailsTheTestInTime() {
        try (TestRequest request = TestRequest.get("/never").build()) {
            AssertionError error = assertThrows(AssertionError.class,
                    () -> ServiceTester.call(r -> Mono.never(), request, Duration.ofMillis(50)));
            assertTrue(error.getMessage().contains("no response within"), error.getMessage());
        }
    }

    @Test
    void aClosedRequestCanNoLongerBeRead() {
        AtomicReference<Request> kept = new AtomicReference<>();
        ServiceTester.call(Service.sync(r -> {
            kept.set(r);
            return Response.text("kept");
        }), TestRequest.get("/").header("X-Kept", "yes"));
        assertThrows(IllegalReferenceCountException.class, () -> kept.get().header("X-Kept"));
        TestRequest request = TestRequest.get("/").build();
        request.close();
        request.close();
        assertThrows(IllegalStateException.class, request::request);
    }

    @Test
    void whatTheServerRefusesIsRefusedWithItsStatus() {
        IllegalArgumentException noSpaces = assertThrows(IllegalArgumentException.class,
                () -> TestRequest.get("/a b").build());
        assertTrue(noSpaces.getMessage().contains("answers 400"), noSpaces.getMessage());
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> TestRequest.post("/").body("12345").limits(Limits.DEFAULT.withMaxBody(4)).build());
        assertTrue(tooLarge.getMessage().contains("answers 413"), tooLarge.getMessage());
        assertEquals(Method.OTHER, methodOf(TestRequest.request("BREW", "/pot")));
        // What no client could send is refused, not sent some other way.
        assertThrows(IllegalArgumentException.class, () -> TestRequest.get("/\u20ac").build(), "not ISO-8859-1");
        assertThrows(IllegalArgumentException.class, () -> TestRequest.get("/").header("X", "a\r\nY: b"));
        assertThrows(IllegalArgumentException.class, () -> TestRequest.get("/a HTTP/1.1\r\nX-Injected: 1\r\nX:"));
        assertThrows(IllegalArgumentException.class, () -> TestRequest.request("GET /x HTTP/1.1\nX:", "/"));
        assertThrows(NullPointerException.class, () -> TestRequest.get("/").header("X", null));
    }

    @Test
    void anAbsentHeaderIsAsserted() {
        TestResponse response = ServiceTester.call(Service.constant(Response.text("hi")), TestRequest.get("/"));
        response.assertHeader("X-Absent", null).assertHeader("Content-Type", "text/plain");
        assertThrows(AssertionError.class, () -> response.assertHeader("Content-Type", null));
    }

    @Test
    void theBytesAreWhatAClientSends() {
        assertEquals("POST /p HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi",
                new String(TestRequest.post("/p").body("hi").toBytes(), UTF_8));
        assertEquals("PUT /p HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
                new String(TestRequest.put("/p").header("Host", "h").http10().chunks("a").toBytes(), UTF_8));
    }

    private static Method methodOf(TestRequest.Builder builder) {
        try (TestRequest request = builder.build()) {
            return request.request().method();
        }
    }
}
