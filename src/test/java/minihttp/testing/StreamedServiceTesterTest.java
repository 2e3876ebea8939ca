package minihttp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import minihttp.app.DemoApp;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.service.Service;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The testing kit reads a streamed body whole, framed as the server frames it; the demo's streaming routes. */
class StreamedServiceTesterTest {

    @Test
    void streamedBodyIsCollected() {
        Service lines = Service.sync(r -> Response.status(HttpStatus.OK).bodyText(Flux.just("a\n", "", "b\n")));
        TestResponse response = ServiceTester.call(lines, TestRequest.get("/"));
        response.assertStatus(200).assertHeader("Transfer-Encoding", "chunked").assertBody("a\nb\n");
        assertNull(response.header("Content-Length"));
    }

    @Test
    void failedStreamEndsTheBodyWithTheError() {
        Service failing = Service.sync(r -> Response.status(HttpStatus.OK)
                .bodyText(Flux.concat(Flux.just("part"), Flux.error(new IllegalStateException("on purpose")))));
        TestResponse response = ServiceTester.call(failing, TestRequest.get("/"));
        response.assertStatus(200).assertBody("part");
        assertNotNull(response.error());
    }

    @Test
    void aStreamOfAnotherLengthThanDeclaredFailsAsOnTheServer() {
        for (String body : new String[] {"abc", "abcde"}) {
            Service declared = Service.sync(r -> Response.status(HttpStatus.OK).contentLength(4)
                    .bodyText(Flux.just(body)));
            TestResponse response = ServiceTester.call(declared, TestRequest.get("/"));
            response.assertStatus(200).assertHeader("Content-Length", "4");
            assertNotNull(response.error(), body);
        }
        Service exact = Service.sync(r -> Response.status(HttpStatus.OK).contentLength(4).bodyText(Flux.just("ab", "cd")));
        assertNull(ServiceTester.call(exact, TestRequest.get("/")).assertBody("abcd").error());
    }

    @Test
    void aServiceThatReturnsNullIsAnsweredAsOnTheServer() {
        Service nothing = request -> null;
        ServiceTester.call(nothing, TestRequest.get("/")).assertStatus(500)
                .assertBody("Internal Server Error: no response\n");
    }

    @Test
    void demoStreamAndEvents() {
        Service demo = DemoApp.service();
        ServiceTester.call(demo, TestRequest.get("/stream?n=3&ms=0")).assertStatus(200)
                .assertBody("tick 1\ntick 2\ntick 3\n");
        ServiceTester.call(demo, TestRequest.get("/stream?n=2&ms=5")).assertBody("tick 1\ntick 2\n");
        ServiceTester.call(demo, TestRequest.get("/events?n=2&ms=1")).assertStatus(200)
                .assertHeader("Content-Type", "text/event-stream").assertBody("data: tick 1\n\ndata: tick 2\n\n");
        assertEquals(400, ServiceTester.call(demo, TestRequest.get("/stream?n=0&ms=1")).status());
        assertEquals(400, ServiceTester.call(demo, TestRequest.get("/events?n=1")).status());
        assertEquals(400, ServiceTester.call(demo, TestRequest.get("/stream?n=100000&ms=1")).status());
    }
}
