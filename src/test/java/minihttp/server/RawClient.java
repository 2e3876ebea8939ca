package minihttp.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import minihttp.http.Response;

/**
 * A raw HTTP/1.1 test client over a plain {@link Socket}: writes exactly the bytes it is given, and parses the
 * responses it reads (status line, headers, a {@code Content-Length} body) without any leniency of its own, so
 * that tests see what the server really sent, in the order it sent it.
 */
final class RawClient implements AutoCloseable {

    /** Default read timeout: a test never waits longer than this for one byte. */
    static final int DEFAULT_TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        this(port, DEFAULT_TIMEOUT_MS);
    }

    RawClient(int port, int readTimeoutMs) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(readTimeoutMs);
        socket.connect(new InetSocketAddress("127.0.0.1", port), readTimeoutMs);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
    }

    /** Wraps a socket that is already connected, e.g. an {@code SSLSocket} (minihttp.server.TlsTest). */
    RawClient(Socket connected) throws IOException {
        socket = connected;
        in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
    }

    /** One parsed response; header names are kept as sent, looked up ignoring case. */
    record Response(String version, int status, String reason, List<String[]> headers, byte[] bodyBytes) {

        String body() {
            return new String(bodyBytes, StandardCharsets.UTF_8);
        }

        /** The value of the only header named {@code name}, or null; fails on a repeated header. */
        String header(String name) {
            String found = null;
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    if (found != null) {
                        throw new AssertionError("header " + name + " sent twice: " + this);
                    }
                    found = h[1];
                }
            }
            return found;
        }

        int count(String name) {
            int n = 0;
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(version + " " + status + " " + reason);
            for (String[] h : headers) {
                sb.append(" | ").append(h[0]).append(": ").append(h[1]);
            }
            return sb.append(" | body=").append(body().replace("\n", "\\n")).toString();
        }
    }

    RawClient write(String s) throws IOException {
        return write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Writes {@code bytes} in pieces cut at {@code cuts} (ascending offsets), sleeping between pieces. */
    RawClient writeSplit(byte[] bytes, int[] cuts, long pauseMs) throws IOException, InterruptedException {
        int from = 0;
        for (int cut : cuts) {
            out.write(bytes, from, cut - from);
            out.flush();
            Thread.sleep(pauseMs);
            from = cut;
        }
        out.write(bytes, from, bytes.length - from);
        out.flush();
        return this;
    }

    /** One raw byte, or -1 at end of stream: for responses that {@link #read()} cannot frame (HEAD, 1xx). */
    int readByte() throws IOException {
        return in.read();
    }

    Response read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 3 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("malformed status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        List<String[]> headers = new ArrayList<>();
        String line;
        while (!(line = requireLine()).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
        }
        int length = -1;
        for (String[] h : headers) {
            if (h[0].toLowerCase(Locale.ROOT).equals("content-length")) {
                if (length >= 0) {
                    throw new IOException("two Content-Length headers");
                }
                length = Integer.parseInt(h[1]);
            }
            if (h[0].toLowerCase(Locale.ROOT).equals("transfer-encoding")) {
                throw new IOException("unexpected Transfer-Encoding in a response");
            }
        }
        if (length < 0) {
            throw new IOException("response without Content-Length: " + statusLine + " " + headers.size() + " headers");
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new EOFException("connection closed inside a body: " + body.length + " of " + length + " bytes");
        }
        return new Response(parts[0], status, parts[2], headers, body);
    }

    List<Response> read(int n) throws IOException {
        List<Response> responses = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            responses.add(read());
        }
        return responses;
    }

    /**
     * Whether the server closed the connection: the next read sees end of stream (or a reset) within
     * {@code waitMs}. Any byte that arrives instead is a protocol error for the caller, so it fails.
     */
    boolean closedByServer(int waitMs) throws IOException {
        int saved = socket.getSoTimeout();
        socket.setSoTimeout(waitMs);
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("unexpected byte after the last response: " + (char) b);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // connection reset
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(saved);
            }
        }
    }

    /** Whether a byte (or the end of the stream) arrives within {@code waitMs}; the byte is left to be read. */
    boolean readable(int waitMs) throws IOException {
        int saved = socket.getSoTimeout();
        socket.setSoTimeout(waitMs);
        try {
            in.mark(1);
            in.read();
            in.reset();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            socket.setSoTimeout(saved);
        }
    }

    /** Shuts down the write side (a FIN, {@code shutdown(SHUT_WR)}): everything is sent, the responses still come. */
    RawClient halfClose() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Closes abruptly, with a reset, as a client that goes away mid-request would. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String requireLine() throws IOException {
        String line = line();
        if (line == null) {
            throw new EOFException("connection closed inside a response head");
        }
        return line;
    }

    /** A CRLF-terminated line without its CRLF, or null at end of stream before any byte; bare LF is an error. */
    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                    throw new IOException("line not ended by CRLF: " + buf.toString(StandardCharsets.ISO_8859_1));
                }
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            buf.write(b);
        }
        if (buf.size() == 0) {
            return null;
        }
        throw new EOFException("connection closed inside a line: " + buf.toString(StandardCharsets.ISO_8859_1));
    }
}
