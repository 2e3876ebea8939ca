package minihttp.service;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Response;
import minihttp.internal.codec.RequestDecoder;
import minihttp.internal.codec.ResponseEncoder;
import minihttp.server.Limits;

/** Routing by path then method: the matched service, 404, and 405 with Allow. */
class RouterTest {

    private static final Router ROUTER = Router.builder()
            .get("/a", Service.constant(Response.text("get a")))
            .post("/a", Service.sync(r -> Response.text("post a")))
            .route(Method.DELETE, "/b", r -> Mono.just(Response.text("delete b")))
            .post("/up", Service.streaming(r -> Mono.just(Response.text("up"))))
            .build();

    @ParameterizedTest(name = "{0} {1} -> streams: {2}")
    @CsvSource({"POST, /up, true", "POST, /a, false", "PUT, /up, false", "POST, /c, false"})
    void asksTheRoutedServiceWhetherItStreams(String method, String target, boolean streams) {
        ByteBuf in = Unpooled.copiedBuffer(method + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", ISO_8859_1);
        RequestDecoder decoder = new RequestDecoder(Unpooled.buffer().alloc(), Limits.DEFAULT);
        try {
            decoder.feed(in);
            assertEquals(streams, ROUTER.streamsBody(decoder.poll()));
            decoder.endRead();
        } finally {
            in.release();
            decoder.release();
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "GET, /a, 200",
        "HEAD, /a, 200",
        "HEAD, /b, 405",
        "POST, /a, 200",
        "PUT, /a, 405",
        "GET, /a?x=1, 200",
        "DELETE, /b, 200",
        "GET, /b, 405",
        "GET, /c, 404",
        "GET, /, 404",
        "GET, /a/, 404",
    })
    void routes(String method, String target, int status) {
        StepVerifier.create(route(method + " " + target).map(r -> r.status().code()))
                .expectNext(status)
                .verifyComplete();
    }

    @ParameterizedTest(name = "{0} -> Allow: {1}")
    @CsvSource(delimiter = '|', value = {"PUT /a | GET, HEAD, POST", "GET /b | DELETE"})
    void namesTheAllowedMethods(String requestLine, String allow) {
        Response response = route(requestLine).block();
        assertEquals(HttpStatus.METHOD_NOT_ALLOWED, response.status());
        ByteBuf out = Unpooled.buffer();
        ResponseEncoder.encode(response, out, new byte[29], ResponseEncoder.ConnectionHeader.NONE);
        String encoded = out.toString(ISO_8859_1);
        out.release();
        assertTrue(encoded.contains("\r\nAllow: " + allow + "\r\n"), encoded);
    }

    /** Decodes {@code requestLine} and routes it; the services under test all answer at once. */
    private static Mono<Response> route(String requestLine) {
        ByteBuf in = Unpooled.copiedBuffer(requestLine + " HTTP/1.1\r\nHost: x\r\n\r\n", ISO_8859_1);
        RequestDecoder decoder = new RequestDecoder(Unpooled.buffer().alloc(), Limits.DEFAULT);
        try {
            decoder.feed(in);
            Mono<Response> response = ROUTER.call(decoder.poll());
            decoder.endRead();
            return response;
        } finally {
            in.release();
            decoder.release();
        }
    }
}
