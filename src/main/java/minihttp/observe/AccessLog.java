package minihttp.observe;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import minihttp.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the SLF4J logger {@code minihttp.access}, at INFO, in the Common Log Format with the
 * duration added: {@code 127.0.0.1 - - [28/Nov/2026:23:00:00 +0000] "GET /plaintext" 200 13 41us}. Decode errors
 * are logged the same way, with the target unknown ({@code "-"}).
 */
public final class AccessLog implements HttpListener {

    /** The logger's name, to route or silence access lines in the logging configuration. */
    public static final String LOGGER = "minihttp.access";
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final Logger log;

    /** An access log on the {@value #LOGGER} logger. */
    public AccessLog() {
        this(LoggerFactory.getLogger(LOGGER));
    }

    AccessLog(Logger log) {
        this.log = log;
    }

    @Override
    public void exchange(Exchange e) {
        if (log.isInfoEnabled()) {
            log.info(line(e, ZonedDateTime.now(ZoneOffset.UTC)));
        }
    }

    @Override
    public void decodeError(SocketAddress remote, HttpStatus status, String message) {
        if (log.isInfoEnabled()) {
            log.info("{} - - [{}] \"-\" {} 0 - ({})", host(remote), CLF_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)),
                    status.code(), message);
        }
    }

    /** The line for {@code e}, at {@code time}. */
    static String line(Exchange e, ZonedDateTime time) {
        return host(e.remote()) + " - - [" + CLF_TIME.format(time) + "] \"" + e.method() + " " + quoted(e.target())
                + "\" " + e.status() + " " + (e.bytes() < 0 ? "-" : e.bytes()) + " " + duration(e.durationNanos());
    }

    /**
     * {@code target} inside the line's quotes: a quote or backslash in it (a target may hold both) written as
     * nginx does, {@code \x22} and {@code \x5C}, so that a parser of the log finds where the field ends.
     */
    private static String quoted(String target) {
        if (target.indexOf('"') < 0 && target.indexOf('\\') < 0) {
            return target;
        }
        return target.replace("\\", "\\x5C").replace("\"", "\\x22");
    }

    private static String duration(long nanos) {
        long micros = nanos / 1_000;
        return micros < 10_000 ? micros + "us" : (micros / 1_000) + "ms";
    }

    private static String host(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(remote);
    }
}
