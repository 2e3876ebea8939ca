package minihttp.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import minihttp.http.Method;
import minihttp.http.Response;
import minihttp.testing.ServiceTester;
import minihttp.testing.TestRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

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
        try (TestRequest request = TestRequest.request(method, target).build()) {
            assertEquals(streams, ROUTER.streamsBody(request.request()));
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource({
        "GET, /a, 200, get a",
        "HEAD, /a, 200, ''",
        "HEAD, /b, 405, ''",
        "POST, /a, 200, post a",
        "PUT, /a, 405, Method Not Allowed\\n",
        "GET, /a?x=1, 200, get a",
        "DELETE, /b, 200, delete b",
        "GET, /b, 405, Method Not Allowed\\n",
        "GET, /c, 404, Not Found\\n",
        "GET, /, 404, Not Found\\n",
        "GET, /a/, 404, Not Found\\n",
    })
    void routes(String method, String target, int status, String body) {
        ServiceTester.call(ROUTER, TestRequest.request(method, target))
                .assertStatus(status)
                .assertBody(body.replace("\\n", "\n"));
    }

    @ParameterizedTest(name = "{0} -> Allow: {1}")
    @CsvSource(delimiter = '|', value = {"PUT /a | GET, HEAD, POST", "GET /b | DELETE"})
    void namesTheAllowedMethods(String requestLine, String allow) {
        String[] parts = requestLine.split(" ");
        ServiceTester.call(ROUTER, TestRequest.request(parts[0], parts[1]))
                .assertStatus(405)
                .assertHeader("Allow", allow);
    }
}
