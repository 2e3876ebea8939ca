package minihttp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import minihttp.server.RunningServer;
import minihttp.service.Service;
import minihttp.testing.ServiceTester;
import minihttp.testing.TestRequest;
import minihttp.testing.TestResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The REST example: path parameters, JSON in and out, a filter's header, server-sent events, a JSON 404. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UsersAppTest {

    @Test
    void createsFindsAndStreamsAUserWithTheKit() {
        Service app = UsersApp.service();
        TestResponse created = ServiceTester.call(app, TestRequest.post("/users")
                .header("Content-Type", "application/json").body("{\"name\":\"ada\"}"));
        created.assertStatus(201).assertHeader("Location", "/users/1").assertBody("{\"id\":1,\"name\":\"ada\"}");
        assertNotNull(created.header("X-Request-Id"), "the filter's header");
        ServiceTester.call(app, TestRequest.get("/users/1")).assertStatus(200)
                .assertHeader("Content-Type", "application/json").assertBody("{\"id\":1,\"name\":\"ada\"}");
        ServiceTester.call(app, TestRequest.get("/users/2")).assertStatus(404);
        ServiceTester.call(app, TestRequest.get("/users/x")).assertStatus(404);
        ServiceTester.call(app, TestRequest.post("/users").body("{}")).assertStatus(400);
        ServiceTester.call(app, TestRequest.get("/nope")).assertStatus(404)
                .assertBody("{\"error\":\"no such path\"}");
        TestResponse events = ServiceTester.call(app, TestRequest.get("/users/1/events"));
        events.assertStatus(200).assertHeader("Content-Type", "text/event-stream");
        assertEquals("data: {\"user\":1,\"seen\":0}\n\ndata: {\"user\":1,\"seen\":1}\n\n"
                + "data: {\"user\":1,\"seen\":2}\n\n", events.bodyAsString());
    }

    @Test
    void servesOverASocket() throws Exception {
        try (RunningServer server = UsersApp.start(0)) {
            HttpResponse<String> missing = Http.get(server, "/users/1");
            assertEquals(404, missing.statusCode());
            assertTrue(missing.headers().firstValue("X-Request-Id").isPresent());
        }
    }
}
