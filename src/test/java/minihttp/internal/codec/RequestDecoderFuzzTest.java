package minihttp.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import minihttp.server.Limits;

/**
 * Fuzzes the decoder (Jazzer, coverage guided) under the paranoid leak detector. During {@code mvn verify} each
 * {@code @FuzzTest} runs its seed corpus ({@code src/test/resources/minihttp/internal/codec/RequestDecoderFuzzTestInputs});
 * {@code mvn -Pfuzz} fuzzes for real. The property: however the input is cut into reads, the decoder neither
 * throws nor leaks, and decodes the same requests, bodies and errors as from one read, aggregated or streamed.
 */
class RequestDecoderFuzzTest {

    /** Small limits, so that the fuzzer reaches every limit with short inputs. */
    private static final Limits LIMITS = new Limits(64, 256, 8, 128);
    private static final int MAX_CUTS = 6;

    @FuzzTest(maxDuration = "30s")
    void readsCutAnywhereDecodeAlike(FuzzedDataProvider data) {
        boolean stream = data.consumeBoolean();
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, Integer.MAX_VALUE);
        }
        byte[] input = data.consumeRemainingAsBytes();
        List<String> whole = DecoderHarness.decodeBytes(List.of(input), LIMITS, stream);
        assertEquals(whole, DecoderHarness.decodeBytes(cut(input, cuts), LIMITS, stream));
    }

    private static List<byte[]> cut(byte[] input, int[] cuts) {
        int[] at = new int[cuts.length];
        for (int i = 0; i < cuts.length; i++) {
            at[i] = Math.floorMod(cuts[i], input.length + 1);
        }
        Arrays.sort(at);
        List<byte[]> reads = new ArrayList<>();
        int from = 0;
        for (int to : at) {
            reads.add(Arrays.copyOfRange(input, from, to));
            from = to;
        }
        reads.add(Arrays.copyOfRange(input, from, input.length));
        return reads;
    }
}
