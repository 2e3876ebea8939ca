package minihttp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import minihttp.server.RunningServer;
import minihttp.testing.ServiceTester;
import minihttp.testing.TestRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocking example, with the testing kit and over a socket. */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingAppTest {

    private static final Duration CALL_TIME = Duration.ofMillis(5);

    @Test
    void ordersAnItem() {
        ServiceTester.call(BlockingApp.service(CALL_TIME), TestRequest.post("/orders").body("tea\n"))
                .assertStatus(201)
                .assertBody("ordered tea\n");
        ServiceTester.call(BlockingApp.service(CALL_TIME), TestRequest.post("/orders").body(""))
                .assertStatus(400);
        ServiceTester.call(BlockingApp.service(CALL_TIME), TestRequest.get("/orders"))
                .assertStatus(405)
                .assertHeader("Allow", "POST");
    }

    @Test
    void servesOverASocket() throws Exception {
        try (RunningServer server = BlockingApp.start(0, CALL_TIME)) {
            HttpResponse<String> response = Http.post(server, "/orders", "coffee");
            assertEquals(201, response.statusCode());
            assertEquals("ordered coffee\n", response.body());
        }
    }
}
