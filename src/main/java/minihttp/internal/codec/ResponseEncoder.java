package minihttp.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import minihttp.http.Request;
import minihttp.http.Response;

/** Writes responses into an output buffer: the precomputed head, the {@code Date} value, the precomputed tail. */
public final class ResponseEncoder {

    /** Date is 29 bytes (IMF-fixdate); used to size a write exactly. */
    private static final int DATE_LENGTH = 29;
    /** A chunk's size line at most: 16 hex digits and CRLF. */
    private static final int MAX_CHUNK_SIZE_LINE = 18;
    /** Data up to this size is copied behind its size line; larger data is sent as is, behind it. */
    private static final int CHUNK_COPY_LIMIT = 1024;
    private static final byte[] CRLF = ascii("\r\n");
    /** The last chunk and the empty trailer section that end a chunked body. */
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final byte[] HEX = ascii("0123456789abcdef");

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
     * batch; {@code connection} is the {@code Connection} header, if any. Throws, having written nothing, for a
     * response whose ByteBuf body was released already: it was answered before.
     */
    public static void encode(Response any, ByteBuf out, byte[] date, ConnectionHeader connection) {
        EncodedResponse response = EncodedResponse.of(any);
        if (response.bodyBuf() != null && response.bodyBuf().refCnt() == 0) {
            throw new IllegalStateException("a response's ByteBuf body was released before it was sent: a response"
                    + " with a ByteBuf body can be answered once only");
        }
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
     * Appends the head of a streamed response to {@code out}, framed by {@code framing}; {@code connection} is
     * the request's, which a close-delimited body turns into close.
     */
    public static void encodeStreamedHead(EncodedResponse response, ResponseFraming framing, ByteBuf out, byte[] date,
                                          ConnectionHeader connection) {
        byte[] head = framing == ResponseFraming.CLOSE_DELIMITED ? response.closeDelimitedHead() : response.head();
        byte[] says = framing.connection(connection).bytes;
        out.ensureWritable(head.length + DATE_LENGTH + says.length + response.tail().length);
        out.writeBytes(head);
        out.writeBytes(date);
        out.writeBytes(says);
        out.writeBytes(response.tail());
    }

    /**
     * {@code data} as one chunk of a chunked body (RFC 9112 section 7.1), taking ownership of it: small data is
     * copied behind its size line, larger data is framed without a copy. Not for empty data, which would end the body.
     */
    public static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf data) {
        int size = data.readableBytes();
        boolean copy = size <= CHUNK_COPY_LIMIT;
        ByteBuf sizeLine = alloc.ioBuffer(MAX_CHUNK_SIZE_LINE + (copy ? size + CRLF.length : 0));
        for (int shift = (31 - Integer.numberOfLeadingZeros(size)) & ~3; shift >= 0; shift -= 4) {
            sizeLine.writeByte(HEX[(size >>> shift) & 0xf]);
        }
        sizeLine.writeBytes(CRLF);
        if (copy) {
            try {
                return sizeLine.writeBytes(data, data.readerIndex(), size).writeBytes(CRLF);
            } finally {
                data.release();
            }
        }
        CompositeByteBuf chunk = alloc.compositeDirectBuffer(3);
        return chunk.addComponents(true, sizeLine, data, Unpooled.wrappedBuffer(CRLF));
    }

    /** Appends the end of a chunked body: the last chunk, no trailers. */
    public static void lastChunk(ByteBuf out) {
        out.writeBytes(LAST_CHUNK);
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
