package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import minihttp.http.Response;
import minihttp.http.Request;

/** Writes responses into an output buffer: the precomputed head, the {@code Date} value, the precomputed tail. */
public final class ResponseEncoder {

    /** Date is 29 bytes (IMF-fixdate); used to size a write exactly. */
    private static final int DATE_LENGTH = 29;

    private ResponseEncoder() {}

    /** What a response says of its connection (RFC 9112 section 9.3). */
    public enum ConnectionHeader {
        /** Nothing: an HTTP/1.1 connection persists by default. */
        NONE(""),
        /** An HTTP/1.0 client keeps the connection only when the response says so. */
        KEEP_ALIVE("\r\nConnection: keep-alive"),
        /** The connection ends after this response. */
        CLOSE("\r\nConnection: close");

        // Written right after the Date value, which has no CRLF of its own yet: see Response#head().

        private final byte[] bytes;

        ConnectionHeader(String line) {
            this.bytes = ascii(line);
        }

        /** The header that answers {@code request}: close when it ends the connection, keep-alive for HTTP/1.0. */
        public static ConnectionHeader answering(Request request) {
            if (!request.keepAlive()) {
                return CLOSE;
            }
            return request.isHttp11() ? NONE : KEEP_ALIVE;
        }
    }

    /**
     * Appends {@code response} to {@code out}. {@code date} comes from {@link DateCache#bytes()}, read once per
     * batch; {@code connection} is the {@code Connection} header, if any.
     */
    public static void encode(Response any, ByteBuf out, byte[] date, ConnectionHeader connection) {
        EncodedResponse response = EncodedResponse.of(any);
        if (connection == ConnectionHeader.NONE) {
            byte[] whole = response.whole(date);
            if (whole != null) {
                out.writeBytes(whole);
                return;
            }
        }
        byte[] head = response.head();
        byte[] tail = response.tail();
        ByteBuf bodyBuf = response.bodyBuf();
        out.ensureWritable(head.length + DATE_LENGTH + connection.bytes.length + tail.length
                + (bodyBuf == null ? 0 : bodyBuf.readableBytes()));
        out.writeBytes(head);
        out.writeBytes(date);
        if (connection != ConnectionHeader.NONE) {
            out.writeBytes(connection.bytes);
        }
        out.writeBytes(tail);
        if (bodyBuf != null) {
            try {
                out.writeBytes(bodyBuf, bodyBuf.readerIndex(), bodyBuf.readableBytes());
            } finally {
                bodyBuf.release();
            }
        }
    }

    /**
     * Makes a response already encoded into {@code out}, the last one there, say {@code Connection: close}: for
     * a graceful shutdown that ends the connection after a response encoded before it began. {@code start} is
     * where the response starts in {@code out}, {@code connection} the header it was encoded with.
     */
    public static void closeLast(ByteBuf out, int start, Response response, ConnectionHeader connection) {
        if (connection == ConnectionHeader.CLOSE) {
            return;
        }
        int header = start + EncodedResponse.of(response).head().length + DATE_LENGTH; // the Connection header goes after the Date value
        int restStart = header + connection.bytes.length;
        byte[] rest = new byte[out.writerIndex() - restStart];
        out.getBytes(restStart, rest);
        out.writerIndex(header);
        out.writeBytes(ConnectionHeader.CLOSE.bytes);
        out.writeBytes(rest);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
