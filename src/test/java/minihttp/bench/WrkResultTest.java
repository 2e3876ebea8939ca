package minihttp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WrkResultTest {

    /** wrk 4.1 output with --latency, no errors (wrk then leaves the error lines out). */
    private static final String CLEAN = """
            Running 1s test @ http://127.0.0.1:18099/plaintext
              1 threads and 10 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   843.10us    1.18ms  13.44ms   88.44%
                Req/Sec    18.93k     6.17k   28.21k    63.64%
              Latency Distribution
                 50%  387.00us
                 75%  698.00us
                 90%    2.26ms
                 99%    5.05ms
              20683 requests in 1.10s, 6.08MB read
            Requests/sec:  18803.41
            Transfer/sec:      5.52MB
            """;

    /** A struggling server: latencies in seconds and minutes, socket errors and non-2xx responses. */
    private static final String ERRORS = """
            Running 10s test @ http://127.0.0.1:8080/plaintext
              1 threads and 16384 connections
              Latency Distribution
                 50%    1.35s
                 75%    1.90s
                 90%    1.99s
                 99%    1.50m
              123456 requests in 10.00s, 15.07MB read
              Socket errors: connect 10, read 2, write 3, timeout 400
              Non-2xx or 3xx responses: 17
            Requests/sec:  12345.60
            Transfer/sec:      1.51MB
            """;

    @Test
    void parsesACleanRun() {
        WrkResult r = WrkResult.parse(CLEAN);
        assertEquals(20683, r.requests());
        assertEquals(18803.41, r.requestsPerSecond(), 1e-9);
        assertEquals(387.0, r.p50Micros(), 1e-9);
        assertEquals(5050.0, r.p99Micros(), 1e-9);
        assertEquals(0, r.socketErrors());
        assertEquals(0, r.non2xx());
    }

    @Test
    void convertsSecondsAndMinutesAndSumsEveryKindOfSocketError() {
        WrkResult r = WrkResult.parse(ERRORS);
        assertEquals(123456, r.requests());
        assertEquals(1.35e6, r.p50Micros(), 1e-6);
        assertEquals(90e6, r.p99Micros(), 1e-6);
        assertEquals(10 + 2 + 3 + 400, r.socketErrors());
        assertEquals(17, r.non2xx());
    }

    @Test
    void aZeroPercentileIsUnknownNotZero() {
        WrkResult r = WrkResult.parse(CLEAN.replace("99%    5.05ms", "99%    0.00us"));
        assertTrue(Double.isNaN(r.p99Micros()));
    }

    @Test
    void rejectsOutputWithoutTheFiguresItNeeds() {
        assertThrows(IllegalArgumentException.class, () -> WrkResult.parse("unable to connect to 127.0.0.1:1"));
        assertThrows(IllegalArgumentException.class,
                () -> WrkResult.parse(CLEAN.replaceAll("(?m)^\\s+\\d+% .*\\n", "")));
        assertThrows(IllegalArgumentException.class, () -> WrkResult.parse(CLEAN.replace("requests in", "reqs in")));
    }

    @Test
    void formatsLatenciesInWrksUnits() {
        assertEquals("812.00us", WrkResult.formatMicros(812));
        assertEquals("4.79ms", WrkResult.formatMicros(4790));
        assertEquals("1.35s", WrkResult.formatMicros(1.35e6));
        assertEquals("n/a", WrkResult.formatMicros(Double.NaN));
    }
}
