package minihttp;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector, at paranoid level, reports a leaked buffer.
 *
 * <p>Registered for every test through {@code META-INF/services} (autodetection is on in
 * {@code junit-platform.properties}); its static initializer installs a detector factory whose detectors record
 * leaks, before any buffer class is initialized. Netty finds leaks when it tracks new buffers after a GC, so
 * after each test it collects garbage and allocates until the queue settles, then fails on any record.
 */
public final class LeakCheck implements AfterEachCallback {

    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final int GC_ROUNDS = 3;

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                    Class<T> resource, int samplingInterval, long maxActive) {
                ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
                detector.setLeakListener((type, records) -> LEAKS.add(type + " leaked:\n" + records));
                return detector;
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        assertNoLeaks();
    }

    /** Collects garbage so that unreleased buffers are found, then fails if any were. */
    public static void assertNoLeaks() throws InterruptedException {
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(20);
            // Tracking a new buffer is what makes the detector poll its queue of collected, unreleased ones.
            ByteBufAllocator.DEFAULT.buffer(1).release();
            PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        List<String> leaks = new ArrayList<>();
        String leak;
        while ((leak = LEAKS.poll()) != null) {
            leaks.add(leak);
        }
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " buffer leak(s) reported:\n" + String.join("\n", leaks));
        }
    }
}
