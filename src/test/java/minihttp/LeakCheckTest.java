package minihttp;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The leak check itself must be able to fail, or a green run would prove nothing. */
class LeakCheckTest {

    @Test
    void reportsAnUnreleasedBuffer() throws InterruptedException {
        leakOne();
        assertThrows(AssertionFailedError.class, LeakCheck::assertNoLeaks);
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(42);
        // dropped without release on purpose
    }
}
