package minihttp.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wheel on a real event loop: entries run in deadline order within a tick, cancelled ones never. */
class TimerWheelTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A tick late, and a scheduler's wake-up latency on a loaded machine. */
    private static final long LATE = TimerWheel.TICK_NANOS + 200 * MS;

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records when it ran, and counts down. */
    private static final class Recorder extends TimerWheel.Entry {
        final String name;
        final List<String> order;
        final CountDownLatch ran;
        volatile long ranAt;

        Recorder(String name, List<String> order, CountDownLatch ran) {
            this.name = name;
            this.order = order;
            this.ran = ran;
        }

        @Override
        public void run() {
            ranAt = System.nanoTime();
            order.add(name);
            ran.countDown();
        }
    }

    @Test
    void entriesRunInDeadlineOrderWithinATickAndACancelledOneNever() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch ran = new CountDownLatch(3);
        Recorder late = new Recorder("late", order, ran);
        Recorder early = new Recorder("early", order, ran);
        Recorder moved = new Recorder("moved", order, ran);
        Recorder cancelled = new Recorder("cancelled", order, ran);
        long start = System.nanoTime();
        TimerWheel wheel = onLoop(() -> {
            TimerWheel w = TimerWheel.of(loop);
            w.schedule(late, start + 120 * MS);
            w.schedule(early, start + 30 * MS);
            w.schedule(cancelled, start + 60 * MS);
            w.schedule(moved, start + 500 * MS);
            w.schedule(moved, start + 90 * MS); // moved nearer: only this deadline counts
            w.cancel(cancelled);
            return w;
        });
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("early", "moved", "late"), order);
        assertOnTime(early, start + 30 * MS);
        assertOnTime(moved, start + 90 * MS);
        assertOnTime(late, start + 120 * MS);
        Thread.sleep(600); // past the cancelled one's and the moved one's first deadline
        assertEquals(3, order.size(), "nothing else ran: " + order);
        assertEquals(0, onLoop(wheel::size));
        assertFalse(onLoop(cancelled::isScheduled));
    }

    @Test
    void anEntryAWholeTurnAwayIsPassedOverUntilItsTurn() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch nearRan = new CountDownLatch(1);
        CountDownLatch farRan = new CountDownLatch(1);
        Recorder near = new Recorder("near", order, nearRan);
        Recorder far = new Recorder("far", order, farRan);
        long start = System.nanoTime();
        long turn = TimerWheel.SLOTS * TimerWheel.TICK_NANOS;
        onLoop(() -> {
            TimerWheel wheel = TimerWheel.of(loop);
            wheel.schedule(near, start + 40 * MS);
            wheel.schedule(far, start + 40 * MS + turn); // the same slot, one turn later
            return wheel;
        });
        assertTrue(nearRan.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("near"), order);
        assertTrue(farRan.await(turn / MS + 5_000, TimeUnit.MILLISECONDS));
        assertOnTime(far, start + 40 * MS + turn);
    }

    @Test
    void aTurnLateIntoTheNextTickLeavesWhatIsDueLaterInThatTickForItsEnd() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch ran = new CountDownLatch(2);
        Recorder first = new Recorder("first", order, ran);
        Recorder second = new Recorder("second", order, ran);
        long tick = TimerWheel.TICK_NANOS;
        long firstTick = Math.floorDiv(System.nanoTime() + 50 * MS, tick);
        long secondDeadline = (firstTick + 2) * tick - 1; // the end of the tick after the first's
        onLoop(() -> {
            TimerWheel wheel = TimerWheel.of(loop);
            wheel.schedule(first, firstTick * tick);
            wheel.schedule(second, secondDeadline);
            return wheel;
        });
        loop.execute(() -> { // the loop is busy until the second's tick has begun: the wheel turns late
            while (System.nanoTime() - ((firstTick + 1) * tick + 2 * MS) < 0) {
                Thread.onSpinWait();
            }
        });
        assertTrue(ran.await(5, TimeUnit.SECONDS), "the second waited for the next turn: " + order);
        assertEquals(List.of("first", "second"), order);
        assertOnTime(second, secondDeadline);
    }

    @Test
    void anEntryThatReschedulesItselfRunsAgain() throws Exception {
        CountDownLatch twice = new CountDownLatch(2);
        TimerWheel.Entry again = new TimerWheel.Entry() {
            @Override
            public void run() {
                twice.countDown();
                if (twice.getCount() > 0) {
                    TimerWheel.of(loop).schedule(this, System.nanoTime() + 20 * MS);
                }
            }
        };
        onLoop(() -> {
            TimerWheel.of(loop).schedule(again, System.nanoTime() + 20 * MS);
            return null;
        });
        assertTrue(twice.await(5, TimeUnit.SECONDS));
    }

    @Test
    void anEntryThatThrowsDoesNotKeepTheOthersDueFromRunning() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch ran = new CountDownLatch(1);
        Recorder after = new Recorder("after", order, ran);
        TimerWheel.Entry failing = new TimerWheel.Entry() {
            @Override
            public void run() {
                throw new IllegalStateException("expected by the test");
            }
        };
        long deadline = System.nanoTime() + 30 * MS;
        onLoop(() -> {
            TimerWheel wheel = TimerWheel.of(loop);
            wheel.schedule(after, deadline);
            wheel.schedule(failing, deadline); // the same slot, ahead of the other in its list
            return wheel;
        });
        assertTrue(ran.await(2, TimeUnit.SECONDS), "the entry behind the failing one did not run in its tick");
        assertOnTime(after, deadline);
    }

    @Test
    void aWheelIsTakenOnItsOwnLoopOnly() {
        assertThrows(IllegalStateException.class, () -> TimerWheel.of(loop));
    }

    private static void assertOnTime(Recorder entry, long deadline) {
        assertTrue(entry.ranAt - deadline >= 0, entry.name + " ran " + (deadline - entry.ranAt) / MS + " ms early");
        assertTrue(entry.ranAt - deadline < LATE, entry.name + " ran " + (entry.ranAt - deadline) / MS + " ms late");
    }

    private <T> T onLoop(Supplier<T> task) throws Exception {
        return loop.submit(task::get).get(5, TimeUnit.SECONDS);
    }
}
