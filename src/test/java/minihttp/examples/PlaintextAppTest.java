package minihttp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import minihttp.server.RunningServer;
import minihttp.testing.ServiceTester;
import minihttp.testing.TestRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plaintext example, with the testing kit and over a socket. */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PlaintextAppTest {

    @Test
    void answersHelloWorld() {
        ServiceTester.call(PlaintextApp.service(), TestRequest.get("/plaintext"))
                .assertStatus(200)
                .assertHeader("Content-Type", "text/plain")
                .assertBody("Hello, World!");
        ServiceTester.call(PlaintextApp.service(), TestRequest.get("/other")).assertStatus(404);
    }

    @Test
    void servesOverASocket() throws Exception {
        try (RunningServer server = PlaintextApp.start(0)) {
            HttpResponse<String> response = Http.get(server, "/plaintext");
            assertEquals(200, response.statusCode());
            assertEquals("Hello, World!", response.body());
        }
    }
}
