package minihttp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import minihttp.server.RunningServer;
import minihttp.service.Service;
import minihttp.testing.ServiceTester;
import minihttp.testing.TestRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/** The JSON service with a slow downstream: 200 within the budget, 504 past it; in virtual time and over a socket. */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowDownstreamAppTest {

    private static final Duration LATENCY = Duration.ofSeconds(2);
    private static final Duration BUDGET = Duration.ofSeconds(3);

    @Test
    void answersWithinTheBudget() {
        // Virtual time: two seconds of downstream latency pass at once.
        Service app = SlowDownstreamApp.service(LATENCY, BUDGET);
        try (TestRequest request = TestRequest.get("/users?id=7").build()) {
            StepVerifier.withVirtualTime(() -> ServiceTester.respond(app, request))
                    .thenAwait(LATENCY)
                    .assertNext(response -> response.assertStatus(200)
                            .assertHeader("Content-Type", "application/json")
                            .assertBody("{\"id\":7,\"name\":\"user-7\"}"))
                    .verifyComplete();
        }
    }

    @Test
    void answers504WhenTheDownstreamIsTooSlow() {
        Service app = SlowDownstreamApp.service(LATENCY, BUDGET);
        try (TestRequest request = TestRequest.get("/users?id=7&latencyMs=60000").build()) {
            StepVerifier.withVirtualTime(() -> ServiceTester.respond(app, request))
                    .thenAwait(BUDGET)
                    .assertNext(response -> response.assertStatus(504)
                            .assertBody("{\"error\":\"downstream timed out\"}"))
                    .verifyComplete();
        }
    }

    @Test
    void refusesAMissingId() {
        ServiceTester.call(SlowDownstreamApp.service(LATENCY, BUDGET), TestRequest.get("/users")).assertStatus(400);
    }

    @Test
    void servesOverASocket() throws Exception {
        try (RunningServer server = SlowDownstreamApp.start(0, Duration.ofMillis(10), Duration.ofMillis(300))) {
            HttpResponse<String> fast = Http.get(server, "/users?id=1");
            assertEquals(200, fast.statusCode());
            assertEquals("{\"id\":1,\"name\":\"user-1\"}", fast.body());
            HttpResponse<String> slow = Http.get(server, "/users?id=2&latencyMs=5000");
            assertEquals(504, slow.statusCode());
            assertEquals("application/json", slow.headers().firstValue("Content-Type").orElse(null));
        }
    }
}
