package minihttp.service;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.RequestDecoder;
import minihttp.server.Limits;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Filters compose in order, see requests and responses, and keep the wrapped service's body streaming. */
class FilterTest {

    private static final Router ROUTER = Router.builder()
            .get("/a", Service.sync(r -> Response.text("a " + r.attribute("user"))))
            .post("/up", Service.streaming(r -> Mono.just(Response.text("up"))))
            .build();

    private static <T> T withRequest(String method, String target, java.util.function.Function<Request, T> use) {
        ByteBuf in = Unpooled.copiedBuffer(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + (method.equals("POST") ? "2\r\n\r\nhi" : "0\r\n\r\n"), ISO_8859_1);
        RequestDecoder decoder = new RequestDecoder(Unpooled.buffer().alloc(), Limits.DEFAULT, r -> false,
                minihttp.internal.codec.ReadControl.NONE);
        try {
            decoder.feed(in);
            T result = use.apply(decoder.poll());
            decoder.endRead();
            return result;
        } finally {
            in.release();
            decoder.release();
        }
    }

    @Test
    void filtersRunInOrderAroundTheServiceAndChangeTheResponse() {
        List<String> seen = new ArrayList<>();
        Filter outer = (request, next) -> {
            seen.add("outer in");
            return next.call(request).doOnNext(r -> seen.add("outer out")).map(r -> r.withHeader("X-Outer", "1"));
        };
        Filter auth = (request, next) -> {
            seen.add("auth in");
            request.attribute("user", "ada");
            return next.call(request).doOnNext(r -> seen.add("auth out"));
        };
        Service app = outer.andThen(auth).around(ROUTER);
        Response response = withRequest("GET", "/a", r -> app.call(r).block(Duration.ofSeconds(5)));
        assertEquals(List.of("outer in", "auth in", "auth out", "outer out"), seen);
        assertEquals("1", response.header("X-Outer"));
        assertEquals("5", response.header("Content-Length"), "a ada");
    }

    @Test
    void aFilteredServiceStreamsTheBodiesItsServiceStreams() {
        Filter passThrough = (request, next) -> next.call(request);
        Service filtered = passThrough.andThen(passThrough).around(ROUTER);
        assertTrue(withRequest("POST", "/up", filtered::streamsBody));
        assertFalse(withRequest("POST", "/a", filtered::streamsBody));
        Service lambda = request -> ROUTER.call(request); // the trap Filter avoids
        assertFalse(withRequest("POST", "/up", lambda::streamsBody));
    }
}
