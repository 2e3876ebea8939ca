package minihttp.internal.server;

import io.netty.channel.Channel;
import minihttp.internal.codec.ReadControl;

/**
 * Pauses and resumes reading, for a streamed body's backpressure (from any thread) and for the output budget
 * (on the event loop): reads go on when neither holds them. The timer does not count a body's pause against
 * its client.
 */
final class AutoRead implements ReadControl {
    private final Channel channel;
    private final WriteGate gate;
    private final ConnectionTimer timer;
    private boolean bodyPaused;   // event loop
    private boolean outputPaused; // event loop

    AutoRead(Channel channel, WriteGate gate, ConnectionTimer timer) {
        this.channel = channel;
        this.gate = gate;
        this.timer = timer;
    }

    @Override
    public void pauseReads() {
        onEventLoop(() -> {
            bodyPaused = true;
            timer.bodyPaused();
            update();
        });
    }

    @Override
    public void resumeReads() {
        onEventLoop(() -> {
            bodyPaused = false;
            timer.bodyResumed();
            update();
        });
    }

    /** Holds reads while the output is over its budget; event loop. */
    void holdForOutput(boolean hold) {
        outputPaused = hold;
        update();
    }

    private void update() {
        boolean read = !bodyPaused && !outputPaused;
        gate.holdReads(!read);
        channel.config().setAutoRead(read);
        if (read) {
            channel.read(); // reads at once, also when auto-read was on already (a read held by the gate)
        }
    }

    private void onEventLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }
}
