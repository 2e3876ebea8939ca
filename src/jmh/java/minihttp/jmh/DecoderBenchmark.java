package minihttp.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import minihttp.http.Request;
import minihttp.internal.codec.RequestDecoder;
import minihttp.server.Limits;
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
import org.openjdk.jmh.infra.Blackhole;

/** {@link RequestDecoder}: feed one read of 16 pipelined requests, poll them all, end the read; ns per request. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DecoderBenchmark {

    /** TechEmpower's pipeline depth: one read carries this many requests. */
    private static final int PIPELINED = 16;

    @Param({"techempower", "headers20"})
    public String request;

    private ByteBuf read;
    private RequestDecoder decoder;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] one = Requests.bytes(request);
        // A pooled direct buffer, as reactor-netty hands in; decoded in place again on every invocation.
        read = PooledByteBufAllocator.DEFAULT.directBuffer(one.length * PIPELINED);
        for (int i = 0; i < PIPELINED; i++) {
            read.writeBytes(one);
        }
        decoder = new RequestDecoder(PooledByteBufAllocator.DEFAULT, Limits.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        read.release();
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINED)
    public void decode(Blackhole bh) {
        read.readerIndex(0);
        decoder.feed(read);
        int decoded = 0;
        for (Request r; (r = decoder.poll()) != null; ) {
            bh.consume(r.pathEquals("/plaintext"));
            decoded++;
        }
        decoder.endRead();
        if (decoded != PIPELINED || decoder.failed()) {
            throw new IllegalStateException("decoded " + decoded + " of " + PIPELINED + " requests");
        }
    }
}
