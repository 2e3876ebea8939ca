package minihttp.service;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.function.Function;
import minihttp.http.HttpStatus;
import minihttp.http.Method;
import minihttp.http.Request;
import minihttp.http.Response;
import minihttp.internal.codec.RequestDecoder;
import minihttp.server.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

/** Routes with parameters and wildcards, the router's own answers, and response headers a filter can change. */
class RouterRoutesTest {

    private static final Service ECHO_PARAMS = Service.sync(r -> Response.text(
            r.pathParam("id") + "|" + r.pathParam("file") + "|" + r.pathParam("*")));

    private static final Router ROUTER = Router.builder()
            .get("/users/{id}", ECHO_PARAMS)
            .get("/users/{id}/files/{file}", ECHO_PARAMS)
            .get("/users/me", Service.constant(Response.text("exact")))
            .get("/static/*", ECHO_PARAMS)
            .post("/users/{id}", Service.sync(r -> Response.text("posted " + r.pathParam("id"))))
            .build();

    /** Decodes {@code method target}, runs {@code service} on it, and returns status and body. */
    private static String call(Service service, String method, String target) {
        return call(service, method, target, r -> r.status().code() + " " + ((ByteBufHolder) r).text());
    }

    private static String call(Service service, String method, String target, Function<Response, String> read) {
        ByteBuf in = Unpooled.copiedBuffer(method + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", ISO_8859_1);
        RequestDecoder decoder = new RequestDecoder(Unpooled.buffer().alloc(), Limits.DEFAULT);
        try {
            decoder.feed(in);
            Request request = decoder.poll();
            Response response = service.call(request).block(Duration.ofSeconds(5));
            decoder.endRead();
            return read.apply(new ByteBufHolder(response));
        } finally {
            in.release();
            decoder.release();
        }
    }

    /** A response and its body as text, read from what the encoder would write. */
    private record ByteBufHolder(Response response) implements Response {
        String text() {
            ByteBuf out = Unpooled.buffer();
            try {
                minihttp.internal.codec.ResponseEncoder.encode(response, out, new byte[29],
                        minihttp.internal.codec.ResponseEncoder.ConnectionHeader.NONE);
                String all = out.toString(ISO_8859_1);
                return all.substring(all.indexOf("\r\n\r\n") + 4);
            } finally {
                out.release();
            }
        }

        @Override public HttpStatus status() { return response.status(); }
        @Override public int contentLength() { return response.contentLength(); }
        @Override public void release() { response.release(); }
        @Override public Response withoutBody() { return response.withoutBody(); }
        @Override public String header(String name) { return response.header(name); }
        @Override public Response withHeader(String name, String value) { return response.withHeader(name, value); }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        "GET; /users/42; 200 42|null|null",
        "GET; /users/42?x=1; 200 42|null|null",
        "GET; /users/me; 200 exact",
        "GET; /users/7/files/a.txt; 200 7|a.txt|null",
        "GET; /users/; 404 Not Found\\n",
        "GET; /users/42/; 404 Not Found\\n",
        "GET; /users; 404 Not Found\\n",
        "GET; /static; 200 null|null|",
        "GET; /static/; 200 null|null|",
        "GET; /static/css/site.css; 200 null|null|css/site.css",
        "GET; /staticx; 404 Not Found\\n",
        "POST; /users/9; 200 posted 9",
        "DELETE; /users/9; 405 Method Not Allowed\\n",
        "HEAD; /users/9; 200 9|null|null",
    })
    void routesByPatternAfterExactPaths(String method, String target, String expected) {
        assertEquals(expected.replace("\\n", "\n"), call(ROUTER, method, target));
    }

    @Test
    void aPatternPathWithAnotherMethodIsAnsweredWithAllow() {
        assertEquals("GET, HEAD, POST", call(ROUTER, "DELETE", "/users/9", r -> r.header("Allow")));
    }

    @Test
    void notFoundMethodNotAllowedAndErrorsAreShapedOnTheBuilder() {
        Router router = Router.builder()
                .get("/ok", Service.constant(Response.text("ok")))
                .get("/fails", r -> Mono.error(new IllegalStateException("boom")))
                .get("/throws", r -> { throw new IllegalStateException("thrown"); })
                .get("/throws-error", r -> { throw new AssertionError("an Error"); })
                .get("/empty", r -> Mono.empty())
                .notFound(Service.sync(r -> Response.status(HttpStatus.NOT_FOUND).contentType("application/json")
                        .body("{\"missing\":\"" + r.path() + "\"}")))
                .methodNotAllowed(allowed -> Response.text(HttpStatus.METHOD_NOT_ALLOWED, "only " + allowed))
                .onError((r, e) -> Response.text(HttpStatus.SERVICE_UNAVAILABLE,
                        r.path() + ": " + (e == null ? "nothing" : e.getMessage())))
                .build();
        assertEquals("404 {\"missing\":\"/nope\"}", call(router, "GET", "/nope"));
        assertEquals("405 only [GET, HEAD]", call(router, "POST", "/ok"));
        assertEquals("GET, HEAD", call(router, "POST", "/ok", r -> r.header("Allow")));
        assertEquals("503 /fails: boom", call(router, "GET", "/fails"));
        assertEquals("503 /throws: thrown", call(router, "GET", "/throws"));
        assertEquals("503 /throws-error: an Error", call(router, "GET", "/throws-error"));
        assertEquals("503 /empty: nothing", call(router, "GET", "/empty"));
        assertEquals("200 ok", call(router, "GET", "/ok"));
    }

    /**
     * A path that several routes match is served by the first that has the request's method, and a 405 names
     * the methods of all of them.
     */
    @Test
    void theFirstRouteWithTheMethodAnswersAndA405NamesTheMethodsOfAllThatMatch() {
        Router router = Router.builder()
                .get("/users/me", Service.constant(Response.text("me")))
                .get("/users/{id}", Service.sync(r -> Response.text("get " + r.pathParam("id"))))
                .route(Method.DELETE, "/users/{name}",
                        Service.sync(r -> Response.text("delete " + r.pathParam("name"))))
                .get("/files/{name}", Service.constant(Response.text("file")))
                .post("/files/*", Service.sync(r -> Response.text("posted " + r.pathParam("*"))))
                .build();
        assertEquals("200 delete 1", call(router, "DELETE", "/users/1"));
        assertEquals("200 delete me", call(router, "DELETE", "/users/me"));
        assertEquals("200 me", call(router, "GET", "/users/me"));
        assertEquals("200 get 1", call(router, "GET", "/users/1"));
        assertEquals("200 posted x", call(router, "POST", "/files/x"));
        assertEquals("GET, HEAD, DELETE", call(router, "PUT", "/users/me", r -> r.header("Allow")));
        assertEquals("GET, HEAD, POST", call(router, "PUT", "/files/x", r -> r.header("Allow")));
        assertEquals("POST", call(router, "PUT", "/files/x/y", r -> r.header("Allow")));
        assertEquals("404 Not Found\n", call(router, "GET", "/nothing"));
        // A HEAD route of its own comes before GET's, wherever it was added.
        Router heads = Router.builder()
                .get("/f/{id}", Service.constant(Response.text("get")))
                .route(Method.HEAD, "/f/*", Service.constant(Response.text("explicit head")))
                .build();
        assertEquals("13", call(heads, "HEAD", "/f/1", r -> r.header("Content-Length")));
        assertEquals("200 get", call(heads, "GET", "/f/1"));
    }

    @Test
    void malformedPatternsAreRefusedWhenAdded() {
        for (String bad : new String[] {"/a/{id", "/a/x{id}", "/a/*/b", "/a/{id}/{id}", "/a/{}", "/a*", "/files/*.txt",
                "/**", "/{id:[0-9]+}", "/{*}/*", "/search?q=1", "/a#b"}) {
            assertThrows(IllegalArgumentException.class, () -> Router.builder().get(bad, ECHO_PARAMS), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Router.builder().route(Method.CONNECT, "/", ECHO_PARAMS));
        assertThrows(IllegalArgumentException.class, () -> Router.builder().route(Method.OTHER, "/", ECHO_PARAMS));
        assertThrows(IllegalArgumentException.class,
                () -> Router.builder().get("/twice", ECHO_PARAMS).get("/twice", ECHO_PARAMS), "routed twice");
    }

    /** Building leaves the builder as it was: a route added after a build is served as it says, HEAD included. */
    @Test
    void aBuilderBuildsAgainWithTheRoutesAddedSince() {
        Router.Builder builder = Router.builder().get("/a", Service.constant(Response.text("first")));
        builder.build();
        Router second = builder.route(Method.HEAD, "/b", Service.constant(Response.text("b-head")))
                .get("/b", Service.constant(Response.text("b-get-longer"))).build();
        assertEquals("6", call(second, "HEAD", "/b", r -> r.header("Content-Length")));
        assertEquals("200 first", call(second, "GET", "/a"));
    }

    @Test
    void headersCanBeReadReplacedAndAddedWithoutDuplicates() {
        Response base = Response.status(HttpStatus.OK).header("Server", "custom").header("X-A", "1").body("hi");
        assertEquals("custom", base.header("server"));
        assertEquals("2", base.header("Content-Length"));
        Response changed = base.withHeader("x-a", "2").withHeader("Access-Control-Allow-Origin", "*")
                .withHeader("Server", "other");
        assertEquals("1", base.header("X-A"), "the original is unchanged");
        ByteBuf out = Unpooled.buffer();
        try {
            minihttp.internal.codec.ResponseEncoder.encode(changed, out, "Sat, 28 Nov 2026 23:00:00 GMT".getBytes(ISO_8859_1),
                    minihttp.internal.codec.ResponseEncoder.ConnectionHeader.NONE);
            String text = out.toString(ISO_8859_1);
            assertEquals("HTTP/1.1 200 OK\r\nServer: other\r\nX-A: 2\r\nContent-Type: text/plain\r\n"
                    .replace("Content-Type: text/plain\r\n", "")
                    + "Access-Control-Allow-Origin: *\r\nContent-Length: 2\r\nDate: Sat, 28 Nov 2026 23:00:00 GMT"
                    + "\r\n\r\nhi", text);
        } finally {
            out.release();
        }
        assertThrows(IllegalArgumentException.class, () -> base.withHeader("Date", "x"));
        assertThrows(IllegalArgumentException.class, () -> base.withHeader("Content-Length", "5"));
        assertThrows(IllegalArgumentException.class, () -> base.withHeader("X-B", "a\r\nb"));
    }

    @Test
    void attributesPassValuesAlongARequest() {
        Service filterThenService = request -> {
            request.attribute("user", "ada");
            request.attribute("user", "grace");
            request.attribute("n", 3);
            return Mono.just(Response.text(request.attribute("user") + " " + request.attribute("n") + " "
                    + request.attribute("missing")));
        };
        assertEquals("200 grace 3 null", call(filterThenService, "GET", "/"));
        assertNull(null);
    }

    @Test
    void theDemoGreetsByPathParameter() {
        assertEquals("200 Hello, World!", call(minihttp.app.DemoApp.service(), "GET", "/hello/World"));
        assertEquals("404 Not Found\n", call(minihttp.app.DemoApp.service(), "GET", "/hello/"));
        assertEquals(Method.GET, Method.valueOf("GET"));
    }
}
