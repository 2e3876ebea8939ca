package minihttp.internal.codec;

import minihttp.server.Limits;

/**
 * The parsers of one request's head and body, in one {@link Window}: the head parser with its framing fields, and
 * the body framing. A decoder needs them only while a request is unfinished, so the decoders of a thread share one
 * set between requests, as they share the request object: a decoder {@link #take takes} the thread's spare set when
 * a read starts and {@link #giveBack gives it back} when the read ends between requests, with nothing of a request
 * in it. An idle connection then holds no parser, and at many connections the thread's set stays in cache.
 */
final class Parsers {

    private static final ThreadSpare<Parsers> SPARE = new ThreadSpare<>();

    final Window window = new Window();
    final HeadParser head;
    final BodyFraming framing;

    private Parsers(RequestDecoder decoder, Limits limits) {
        head = new HeadParser(decoder, limits, window);
        framing = new BodyFraming(decoder, limits, window, head);
    }

    /** The thread's spare parsers, now serving {@code decoder} under {@code limits}, or new ones. */
    static Parsers take(RequestDecoder decoder, Limits limits) {
        Parsers parsers = SPARE.take();
        if (parsers == null) {
            return new Parsers(decoder, limits);
        }
        parsers.head.bind(decoder, limits);
        parsers.framing.bind(decoder, limits);
        return parsers;
    }

    /** Gives these parsers to the thread's next decoder; the caller holds nothing of a request in them. */
    void giveBack() {
        SPARE.giveBack(this);
    }
}
