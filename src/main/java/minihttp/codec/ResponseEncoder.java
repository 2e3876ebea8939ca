package minihttp.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes responses into an output buffer: the precomputed head, {@code Date}, the blank line, the body. */
public final class ResponseEncoder {

    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] END_OF_HEAD = ascii("\r\n\r\n");
    /** Date is 29 bytes (IMF-fixdate); used to size a write exactly. */
    private static final int DATE_LENGTH = 29;

    private ResponseEncoder() {}

    /**
     * Appends {@code response} to {@code out}. {@code date} comes from {@link DateCache#bytes()}, read once per
     * batch; {@code close} adds {@code Connection: close} to the last response before the connection ends.
     */
    public static void encode(Response response, ByteBuf out, byte[] date, boolean close) {
        byte[] head = response.head();
        int size = head.length + DATE.length + DATE_LENGTH + END_OF_HEAD.length + response.contentLength()
                + (close ? CONNECTION_CLOSE.length : 0);
        out.ensureWritable(size);
        out.writeBytes(head);
        if (close) {
            out.writeBytes(CONNECTION_CLOSE);
        }
        out.writeBytes(DATE);
        out.writeBytes(date);
        out.writeBytes(END_OF_HEAD);
        byte[] body = response.body();
        if (body != null) {
            out.writeBytes(body);
        } else {
            ByteBuf bodyBuf = response.bodyBuf();
            try {
                out.writeBytes(bodyBuf, bodyBuf.readerIndex(), bodyBuf.readableBytes());
            } finally {
                bodyBuf.release();
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
