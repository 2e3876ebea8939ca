package minihttp.internal.server;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import minihttp.server.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of one connection ({@link Timeouts}), kept as one entry of its event loop's {@link TimerWheel}.
 *
 * <p>Netty's {@code IdleStateHandler} measures read inactivity only, which a slow-header client defeats by sending
 * a byte every few seconds; here the head deadline is absolute, from the head's first byte, and idleness also
 * counts from the last response served and the last time the output drained. The technique is
 * {@code IdleStateHandler}'s: a read only records the time (one {@code nanoTime} per read, nothing per request),
 * and the timer, when the wheel runs it, works out the deadline of the connection's current {@link Phase} and
 * either expires the connection or waits again until that deadline. A pipelined batch schedules nothing; the timer
 * is moved earlier only when a read starts a phase whose deadline is nearer (an unfinished head or body). The
 * wheel runs it within a tick ({@link TimerWheel#TICK_NANOS}) of its deadline.
 *
 * <p>A body must also arrive at {@link Timeouts#minBodyRate()} on average, which a byte every few seconds does not
 * (Kestrel's {@code MinRequestBodyDataRate}): reads in the body phase add up their sizes, and while a body is
 * unfinished the timer also runs at the end of the grace and then every {@link #RATE_CHECK_NANOS} to compare.
 * While a streamed body's service lets its bytes wait (reading paused for backpressure), neither that check
 * nor the body timeout counts the time against the client.
 *
 * <p>Whatever the phase, output that stays over the write buffer's high water mark without draining below its
 * low water mark for the write timeout closes the connection: its client has stopped reading. Once the client has
 * ended its input, what it is owed must come within the idle timeout ({@link #inputEnded()}).
 *
 * <p>Everything but {@link #serviceStarted()} and {@link #serviceDone()} runs on the event loop.
 */
final class ConnectionTimer extends TimerWheel.Entry {

    private static final Logger log = LoggerFactory.getLogger(ConnectionTimer.class);
    private static final AtomicIntegerFieldUpdater<ConnectionTimer> IN_SERVICE =
            AtomicIntegerFieldUpdater.newUpdater(ConnectionTimer.class, "inService");

    /** How often the body rate is checked once its grace has passed, as Kestrel's heartbeat does. */
    static final long RATE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What the connection waits for, which decides its deadline. */
    enum Phase {
        /** Between requests: the idle timeout, counted while no response is being computed. */
        IDLE,
        /** The rest of a request head: the header deadline, counted from the head's first byte. */
        HEAD,
        /** The rest of a request body: the body timeout, counted from the last read, and the minimum body rate. */
        BODY
    }

    /** The connection, as its timer sees it. */
    interface Expiry {
        /** Runs on the event loop; {@code partial} tells whether bytes of an unfinished request were received. */
        void expired(Phase phase, boolean partial);

        /**
         * Whether the connection's reads wait behind responses still being served: a body's bytes may have come
         * and not been read, which is not its client's time. Event loop.
         */
        boolean readsHeldBehindOutput();
    }

    private final Channel channel;
    private final TimerWheel wheel;
    // The server's, shared: the durations are read as nanoseconds where they are needed, which costs less than
    // six copies of them in every connection.
    private final Timeouts timeouts;
    private final Expiry expiry;

    private Phase phase = Phase.HEAD; // a new connection owes its first request head, counted from the accept
    private boolean partial;          // bytes of the unfinished request were received
    private long lastRead;
    private long headStart;
    private long lastDrained;
    private long bodyStart;           // less the time the body's reading was paused by its service
    private long bodyBytes;           // received since bodyStart
    private long rateCheckAt;
    private boolean bodyPaused;       // a streamed body's service lets its bytes wait: reading is paused
    private long pausedAt;
    private long heldFrom;            // reads were seen held behind the output since then, in the body phase; or 0
    private boolean blocked;          // the output is over the high water mark, since blockedSince
    private long blockedSince;
    private volatile long lastServed;
    private volatile int inService;   // batches whose responses are still being computed
    private boolean expired;
    private long graceEnd;            // once expired: when the connection is closed if it has not ended
    private volatile boolean inputEnded; // the client half-closed, at lastRead

    ConnectionTimer(Channel channel, Timeouts timeouts, Expiry expiry) {
        this.channel = channel;
        this.wheel = TimerWheel.of(channel.eventLoop());
        this.timeouts = timeouts;
        this.expiry = expiry;
    }

    /** Starts the clock at the accept: the first request head is due within the header timeout. */
    void start() {
        long now = System.nanoTime();
        lastRead = now;
        headStart = now;
        lastDrained = now;
        lastServed = now;
        schedule(now + headerNanos());
    }

    /**
     * Records a read of {@code bytes} that leaves the connection in {@code next}; {@code completed}: it completed a
     * request.
     */
    void afterRead(Phase next, boolean completed, int bytes) {
        long now = System.nanoTime();
        lastRead = now;
        if (next == Phase.HEAD && (phase != Phase.HEAD || completed)) {
            headStart = now; // this read brought the first bytes of a new head
        }
        if (next == Phase.BODY) {
            if (phase != Phase.BODY || completed) { // this read brought the head of a new body
                bodyStart = now;
                bodyBytes = 0;
                rateCheckAt = now + bodyRateGraceNanos();
                heldFrom = 0;
            } else {
                endHold(now);
                bodyBytes += bytes;
            }
        }
        partial = next != Phase.IDLE;
        phase = next;
        if (expired) {
            return;
        }
        long deadline = switch (next) {
            case HEAD -> headStart + headerNanos();
            case BODY -> nextBodyCheck(now + bodyNanos());
            case IDLE -> now + idleNanos();
        };
        scheduleIfNearer(deadline);
    }

    /**
     * The client ended its input (a half-close, or a close that cannot be told from one until a write fails): the
     * responses it is owed must come within the idle timeout from now, being computed or not, else the connection
     * is closed; a response that never comes, or a stream that stays quiet, would otherwise hold it for ever.
     * Output sent counts as progress ({@link #outputSent()}), so a stream that keeps sending goes on. Event loop.
     */
    void inputEnded() {
        long now = System.nanoTime();
        inputEnded = true;
        lastRead = now;
        if (!expired) {
            scheduleIfNearer(now + idleNanos());
        }
    }

    /** Whether the client has ended its input. */
    boolean hasInputEnded() {
        return inputEnded;
    }

    /** A batch or a frame of a stream went to the channel; any thread. After a half-close it counts as progress. */
    void outputSent() {
        if (inputEnded) {
            lastServed = System.nanoTime();
        }
    }

    /** A streamed body's service lets its bytes wait, so reading pauses: the client is not to blame. Event loop. */
    void bodyPaused() {
        bodyPaused = true;
        pausedAt = System.nanoTime();
    }

    /** ... and reading resumes: the body's clocks start again where they stopped. Event loop. */
    void bodyResumed() {
        if (!bodyPaused) {
            return;
        }
        bodyPaused = false;
        if (phase != Phase.BODY || expired) {
            return;
        }
        long now = System.nanoTime();
        long paused = now - latest(pausedAt, bodyStart);
        bodyStart += paused;
        rateCheckAt += paused;
        lastRead = now;
        scheduleIfNearer(nextBodyCheck(now + bodyNanos()));
    }

    /** The connection's output drained below the low water mark: the client is reading. Event loop. */
    void outputDrained() {
        lastDrained = System.nanoTime();
        blocked = false;
    }

    /** The connection's output went over the high water mark: it must drain within the write timeout. Event loop. */
    void outputBlocked() {
        long now = System.nanoTime();
        blocked = true;
        blockedSince = now;
        long deadline = now + writeNanos();
        if (!isScheduled() || scheduledAt() - deadline > 0) {
            schedule(deadline);
        }
    }

    /** A batch with responses still being computed was read; any thread. */
    void serviceStarted() {
        IN_SERVICE.incrementAndGet(this);
    }

    /** Such a batch was answered (or given up); any thread. */
    void serviceDone() {
        lastServed = System.nanoTime();
        IN_SERVICE.decrementAndGet(this);
    }

    /** Whether batches whose responses are still being computed were read; any thread. */
    boolean inService() {
        return inService > 0;
    }

    /** Stops the clock for good: the connection closed. */
    void stop() {
        expired = true;
        wheel.cancel(this);
    }

    @Override
    public void run() {
        if (!channel.isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (blocked && now - (blockedSince + writeNanos()) >= 0) {
            log.debug("{}: write timeout, closing a connection whose output did not drain", channel);
            Drain.closeNow(channel);
            return;
        }
        if (expired) {
            if (now - graceEnd >= 0) {
                // The connection was told to end a whole idle timeout ago but still has not: its output is stuck
                // behind a client that does not read.
                log.debug("{}: closing a connection whose output did not drain", channel);
                Drain.closeNow(channel);
            } else {
                scheduleWithinWriteTimeout(graceEnd);
            }
            return;
        }
        long deadline = deadline(now);
        if (now - deadline < 0) {
            scheduleWithinWriteTimeout(deadline);
            return;
        }
        if (inputEnded && phase == Phase.IDLE) {
            log.debug("{}: the client's input ended, and what it is owed did not come in the idle timeout", channel);
            channel.close();
            return;
        }
        expired = true;
        log.debug("{}: {} timeout", channel, phase);
        graceEnd = now + idleNanos(); // the grace for the pending responses to leave
        scheduleWithinWriteTimeout(graceEnd);
        expiry.expired(phase, partial);
    }

    private long deadline(long now) {
        return switch (phase) {
            case HEAD -> headStart + headerNanos();
            case BODY -> bodyDeadline(now);
            case IDLE -> inService > 0 && !inputEnded
                    ? now + idleNanos() // a response is being computed: not idle, look again later
                    : latest(lastRead, latest(lastServed, lastDrained)) + idleNanos();
        };
    }

    /**
     * The body timeout, or now when the body has arrived too slowly since its grace ended; checking the rate moves
     * the next check a period on. While the body's service pauses the reading, nothing is due.
     */
    private long bodyDeadline(long now) {
        if (bodyPaused) {
            return now + bodyNanos(); // look again later; bodyResumed() reschedules sooner if it must
        }
        if (expiry.readsHeldBehindOutput()) {
            if (heldFrom == 0) {
                heldFrom = lastRead; // held since the read whose batch is waiting, at the latest
            }
            return now + bodyNanos(); // look again later
        }
        endHold(now);
        if (minBodyRate() > 0 && now - rateCheckAt >= 0) {
            double seconds = (now - bodyStart) / 1e9;
            if (bodyBytes < minBodyRate() * seconds) {
                log.debug("{}: request body at {} B/s, under the minimum of {} B/s", channel,
                        Math.round(bodyBytes / seconds), minBodyRate());
                return now;
            }
            rateCheckAt = now + RATE_CHECK_NANOS;
        }
        return nextBodyCheck(lastRead + bodyNanos());
    }

    /** Reads were held behind the output and are not now: the body's clocks start again where they stopped. */
    private void endHold(long now) {
        if (heldFrom != 0) {
            long held = now - heldFrom;
            heldFrom = 0;
            bodyStart += held;
            rateCheckAt += held;
            lastRead = now;
        }
    }

    /** {@code timeout}, or the next rate check if it comes first. */
    private long nextBodyCheck(long timeout) {
        return minBodyRate() > 0 && timeout - rateCheckAt > 0 ? rateCheckAt : timeout;
    }

    private void scheduleIfNearer(long deadline) {
        if (scheduledAt() - deadline > 0) {
            schedule(deadline); // only when the new deadline is nearer: never on the pipelined fast path
        }
    }

    /** Schedules the timer at {@code deadline}, or earlier at the write deadline while the output is blocked. */
    private void scheduleWithinWriteTimeout(long deadline) {
        schedule(blocked ? earliest(deadline, blockedSince + writeNanos()) : deadline);
    }

    private void schedule(long deadline) {
        wheel.schedule(this, deadline);
    }

    private long idleNanos() {
        return timeouts.idle().toNanos();
    }

    private long headerNanos() {
        return timeouts.header().toNanos();
    }

    private long bodyNanos() {
        return timeouts.body().toNanos();
    }

    private long writeNanos() {
        return timeouts.write().toNanos();
    }

    private long bodyRateGraceNanos() {
        return timeouts.minBodyRateGrace().toNanos();
    }

    /** Bytes per second; 0: not checked. */
    private long minBodyRate() {
        return timeouts.minBodyRate();
    }

    private static long latest(long a, long b) {
        return a - b > 0 ? a : b;
    }

    private static long earliest(long a, long b) {
        return a - b < 0 ? a : b;
    }
}
