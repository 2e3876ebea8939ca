package minihttp.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import minihttp.http.HttpStatus;
import minihttp.http.Response;
import minihttp.internal.codec.DateCache;
import minihttp.internal.codec.ResponseEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ResponseEncoder#encode}: the 16 responses of one pipelined read into one output buffer, ns per
 * response; the TechEmpower plaintext response, and one that carries 20 headers of its own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EncoderBenchmark {

    private static final int PIPELINED = 16;
    private static final int EXTRA_HEADERS = 20;

    @Param({"techempower", "headers20"})
    public String response;

    private Response toSend;
    private ByteBuf out;

    @Setup(Level.Trial)
    public void setUp() {
        if (response.equals("techempower")) {
            toSend = Response.text("Hello, World!");
        } else {
            Response.Builder builder = Response.status(HttpStatus.OK).contentType("text/plain");
            for (int i = 0; i < EXTRA_HEADERS; i++) {
                builder.header("X-Header-" + i, "value-" + i);
            }
            toSend = builder.body("Hello, World!");
        }
        out = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        out.release();
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINED)
    public ByteBuf encode() {
        out.clear();
        byte[] date = DateCache.bytes(); // read once per batch, as the connection does
        for (int i = 0; i < PIPELINED; i++) {
            ResponseEncoder.encode(toSend, out, date, ResponseEncoder.ConnectionHeader.NONE);
        }
        return out;
    }
}
