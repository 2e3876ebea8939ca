package minihttp.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A response as a client reads it: parsed from the bytes the server's encoder wrote, so every header the server
 * sends is here, {@code Date}, {@code Content-Length} and {@code Connection} included. Holds no buffers.
 */
public final class TestResponse {

    private static final String CRLF = "\r\n";
    private static final String END_OF_HEAD = "\r\n\r\n";

    private final byte[] raw;
    private final int status;
    private final String reason;
    private final List<String[]> headers;
    private final byte[] body;
    private final Throwable error;

    private TestResponse(byte[] raw, int status, String reason, List<String[]> headers, byte[] body, Throwable error) {
        this.raw = raw;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
        this.error = error;
    }

    /**
     * Parses one encoded response; the body is what {@code Content-Length} says, the chunks of a chunked one (as
     * many as there are, for a stream cut short), the rest for one the close delimits, none for HEAD.
     */
    static TestResponse parse(byte[] raw, boolean head, Throwable error) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int endOfHead = text.indexOf(END_OF_HEAD);
        int endOfStatus = text.indexOf(CRLF);
        String[] statusLine = text.substring(0, endOfStatus).split(" ", 3);
        List<String[]> headers = new ArrayList<>();
        for (String line : text.substring(endOfStatus + CRLF.length(), endOfHead).split(CRLF)) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
        }
        int bodyStart = endOfHead + END_OF_HEAD.length();
        String contentLength = first(headers, "Content-Length");
        byte[] body;
        if (head) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(first(headers, "Transfer-Encoding"))) {
            body = dechunk(raw, bodyStart);
        } else if (contentLength != null) {
            body = Arrays.copyOfRange(raw, bodyStart, Math.min(raw.length, bodyStart + Integer.parseInt(contentLength)));
        } else {
            body = Arrays.copyOfRange(raw, bodyStart, raw.length);
        }
        return new TestResponse(raw, Integer.parseInt(statusLine[1]), statusLine[2], List.copyOf(headers), body, error);
    }

    /** {@return the status code} */
    public int status() {
        return status;
    }

    /** {@return the reason phrase of the status line} */
    public String reason() {
        return reason;
    }

    /**
     * The value of the first header named {@code name} (any case), or {@code null}.
     *
     * @param name the field name
     * @return its value, or {@code null}
     */
    public String header(String name) {
        return first(headers, name);
    }

    /**
     * The values of every header named {@code name} (any case), in order.
     *
     * @param name the field name
     * @return its values, empty if there is none
     */
    public List<String> headers(String name) {
        return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
    }

    /** {@return the header names, in order, as sent} */
    public List<String> headerNames() {
        return headers.stream().map(h -> h[0]).toList();
    }

    /** {@return the body's bytes (a copy)} */
    public byte[] body() {
        return body.clone();
    }

    /** {@return the body as UTF-8 text} */
    public String bodyAsString() {
        return bodyAsString(StandardCharsets.UTF_8);
    }

    /**
     * The body decoded with {@code charset}.
     *
     * @param charset the charset of the body
     * @return the body as text
     */
    public String bodyAsString(Charset charset) {
        return new String(body, charset);
    }

    /** {@return whether the response ends the connection ({@code Connection: close})} */
    public boolean closesConnection() {
        return "close".equalsIgnoreCase(header("Connection"));
    }

    /**
     * {@return what the service's {@code Mono} failed with, which the server answered with 500, or what its
     * streamed body failed with (a stream that failed, or sent another length than it declared), after which the
     * server closes the connection; {@code null} if nothing failed}
     */
    public Throwable error() {
        return error;
    }

    /** {@return the whole response as the client receives it} */
    public byte[] raw() {
        return raw.clone();
    }

    /**
     * Fails with an {@link AssertionError} showing the response unless its status is {@code expected}.
     *
     * @param expected the status code expected
     * @return this response, for more assertions
     */
    public TestResponse assertStatus(int expected) {
        if (status != expected) {
            throw failure("status " + expected + " expected");
        }
        return this;
    }

    /**
     * Fails unless the first header named {@code name} has exactly the value {@code expected}.
     *
     * @param name the field name
     * @param expected the value expected, or {@code null} for no such header
     * @return this response, for more assertions
     */
    public TestResponse assertHeader(String name, String expected) {
        if (!java.util.Objects.equals(expected, header(name))) {
            throw failure(expected == null ? "no " + name + " header expected" : name + ": " + expected + " expected");
        }
        return this;
    }

    /**
     * Fails unless the body, as UTF-8, is {@code expected}.
     *
     * @param expected the body text expected
     * @return this response, for more assertions
     */
    public TestResponse assertBody(String expected) {
        if (!expected.equals(bodyAsString())) {
            throw failure("body \"" + expected + "\" expected");
        }
        return this;
    }

    /** The response as text (ISO-8859-1), as it went over the wire. */
    @Override
    public String toString() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private AssertionError failure(String expected) {
        AssertionError failure = new AssertionError(expected + ", got:\n" + this);
        if (error != null) {
            failure.initCause(error);
        }
        return failure;
    }

    /** The data of the chunks from {@code at} on, up to the last chunk or the end of {@code raw}. */
    private static byte[] dechunk(byte[] raw, int at) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        while (at < raw.length) {
            int endOfSize = text.indexOf(CRLF, at);
            int size = Integer.parseInt(text.substring(at, endOfSize), 16);
            if (size == 0) {
                break;
            }
            data.write(raw, endOfSize + CRLF.length(), size);
            at = endOfSize + CRLF.length() + size + CRLF.length();
        }
        return data.toByteArray();
    }

    private static String first(List<String[]> headers, String name) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return header[1];
            }
        }
        return null;
    }
}
