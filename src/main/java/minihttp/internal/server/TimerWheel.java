package minihttp.internal.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of every connection of one event loop, on one timing wheel that one scheduled task of the loop
 * turns: nginx keeps one timer tree per worker for the same reason. One Netty scheduled task per connection costs
 * each connection a task object and a place in the loop's priority queue, and every accept and close a walk up or
 * down that queue, which at many connections is a cache miss per level.
 *
 * <p>The wheel has {@link #SLOTS} slots of {@link #TICK_NANOS} each. An entry is its own list node in the slot of its
 * deadline's tick, so scheduling, moving and cancelling allocate nothing and take constant time. A deadline more
 * than one turn away waits in its slot and is passed over until its turn comes. Each tick the task visits the slot
 * of that tick and runs the entries that are due; then it sleeps until the next tick whose slot holds an entry, so
 * a loop with few connections wakes rarely and one with none not at all. An entry fires at most a tick late.
 *
 * <p>Everything runs on the wheel's event loop. An entry's {@link Entry#run()} may schedule or cancel itself, not
 * other entries.
 */
final class TimerWheel {

    /** The wheel's resolution: an entry runs within a tick of its deadline. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Slots of the wheel, a power of two: a turn is 5.12 s. */
    static final int SLOTS = 512;
    private static final int SLOT_MASK = SLOTS - 1;
    private static final Logger log = LoggerFactory.getLogger(TimerWheel.class);
    private static final FastThreadLocal<TimerWheel> WHEELS = new FastThreadLocal<>();

    /** What the wheel runs at a deadline: a connection's timer, which is its own list node. */
    abstract static class Entry implements Runnable {
        private Entry previous;
        private Entry next;
        private long deadline;
        private int slot;
        private boolean scheduled;

        /** Whether the entry waits for its deadline. */
        final boolean isScheduled() {
            return scheduled;
        }

        /** The deadline it was last scheduled for ({@link System#nanoTime()}). */
        final long scheduledAt() {
            return deadline;
        }
    }

    private final EventExecutor loop;
    private final Entry[] slots = new Entry[SLOTS];
    private final Runnable turn = this::turn;
    private int size;
    /** The first tick not yet visited. */
    private long nextTick;
    /** The tick the task is scheduled for, while it is. */
    private long wakeTick;
    private ScheduledFuture<?> task;
    /** The task is running: it schedules itself once done. */
    private boolean turning;

    private TimerWheel(EventExecutor loop) {
        this.loop = loop;
        this.nextTick = tickOf(System.nanoTime());
    }

    /** The wheel of {@code loop}; called on that loop. */
    static TimerWheel of(EventExecutor loop) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("a timer wheel is taken on its own event loop");
        }
        TimerWheel wheel = WHEELS.get();
        if (wheel == null || wheel.loop != loop) {
            wheel = new TimerWheel(loop);
            WHEELS.set(wheel);
        }
        return wheel;
    }

    /** The entries waiting: for tests. */
    int size() {
        return size;
    }

    /** Runs {@code entry} once {@code deadline} ({@link System#nanoTime()}) has passed, instead of its earlier one. */
    void schedule(Entry entry, long deadline) {
        if (entry.scheduled) {
            unlink(entry);
        }
        entry.deadline = deadline;
        // Never into a slot already visited in this turn: it would wait a whole turn.
        long tick = Math.max(tickOf(deadline), nextTick);
        link(entry, (int) (tick & SLOT_MASK));
        if (!turning && (task == null || tick < wakeTick)) {
            wakeAt(tick);
        }
    }

    /** Takes {@code entry} off the wheel; nothing if it is not on it. */
    void cancel(Entry entry) {
        if (entry.scheduled) {
            unlink(entry);
        }
    }

    /** The task: visits every tick up to now, runs what is due, and sleeps until the next slot with an entry. */
    private void turn() {
        task = null;
        turning = true;
        long now = System.nanoTime();
        // Only the ticks that have ended: a slot visited while its tick goes on would keep an entry due later in
        // that tick until the next turn.
        long lastTick = tickOf(now + 1) - 1;
        // After a pause longer than a turn (a long GC), one visit of every slot runs everything due.
        long from = Math.max(nextTick, lastTick - SLOT_MASK);
        try {
            for (long tick = from; tick <= lastTick; tick++) {
                nextTick = tick + 1; // an entry that reschedules itself goes after this slot, not a turn later
                runDue((int) (tick & SLOT_MASK), now);
            }
        } finally {
            turning = false;
            nextTick = Math.max(nextTick, lastTick + 1);
            if (size > 0) {
                wakeAt(nextOccupiedTick());
            }
        }
    }

    private void runDue(int slot, long now) {
        Entry entry = slots[slot];
        while (entry != null) {
            Entry next = entry.next; // run() touches only its own entry, so this stays in the list
            if (entry.deadline - now <= 0) {
                unlink(entry);
                try {
                    entry.run();
                } catch (RuntimeException e) {
                    // As Netty does for a scheduled task that throws: the others due still run.
                    log.warn("a timer of the event loop failed", e);
                }
            }
            entry = next;
        }
    }

    /** The first tick from {@link #nextTick} whose slot holds an entry: its own deadline, or one a turn or more on. */
    private long nextOccupiedTick() {
        for (int i = 0; i < SLOTS; i++) {
            if (slots[(int) ((nextTick + i) & SLOT_MASK)] != null) {
                return nextTick + i;
            }
        }
        return nextTick; // unreachable while size > 0
    }

    private void wakeAt(long tick) {
        if (task != null) {
            task.cancel(false);
        }
        wakeTick = tick;
        long delay = Math.max(0, tick * TICK_NANOS + TICK_NANOS - 1 - System.nanoTime());
        task = loop.schedule(turn, delay, TimeUnit.NANOSECONDS);
    }

    private void link(Entry entry, int slot) {
        Entry head = slots[slot];
        entry.previous = null;
        entry.next = head;
        if (head != null) {
            head.previous = entry;
        }
        slots[slot] = entry;
        entry.slot = slot;
        entry.scheduled = true;
        size++;
    }

    private void unlink(Entry entry) {
        if (entry.previous != null) {
            entry.previous.next = entry.next;
        } else {
            slots[entry.slot] = entry.next;
        }
        if (entry.next != null) {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
        entry.scheduled = false;
        size--;
    }

    private static long tickOf(long nanos) {
        return Math.floorDiv(nanos, TICK_NANOS);
    }
}
