package minihttp.jmh;

import java.nio.charset.StandardCharsets;
import minihttp.http.Request;

/** The request heads the microbenchmarks decode: TechEmpower's plaintext request and one with 20 headers. */
final class Requests {

    /** What wrk sends in the TechEmpower plaintext test (its -H headers). */
    static final String TECHEMPOWER = "GET /plaintext HTTP/1.1\r\n"
            + "Host: localhost\r\n"
            + "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";

    /** A browser-like request with 20 header fields. */
    static final String HEADERS_20 = "GET /plaintext?lang=en&page=2 HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Referer: https://www.example.com/index.html\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=4f1c2a9e8b7d6c5f; theme=dark; consent=yes\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Sec-Fetch-User: ?1\r\n"
            + "Priority: u=0, i\r\n"
            + "Pragma: no-cache\r\n"
            + "Cache-Control: no-cache\r\n"
            + "DNT: 1\r\n"
            + "X-Request-Id: 7d0c6f4e-3b1a-4a8e-9f2d-1c5b6a7e8f90\r\n"
            + "X-Forwarded-For: 203.0.113.7\r\n"
            + "If-None-Match: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"\r\n"
            + "\r\n";

    private Requests() {}

    static byte[] bytes(String kind) {
        return switch (kind) {
            case "techempower" -> TECHEMPOWER.getBytes(StandardCharsets.US_ASCII);
            case "headers20" -> HEADERS_20.getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
