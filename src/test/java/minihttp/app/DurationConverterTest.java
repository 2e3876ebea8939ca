package minihttp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsMillisecondsSecondsMinutesAndBareSeconds() {
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(10), converter.convert("10s"));
        assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
        assertEquals(Duration.ofMillis(1500), converter.convert("1.5"));
        assertEquals(Duration.ofSeconds(30), converter.convert(" 30S "));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "ten", "5h", "ms", "1.5ms", "1d", "1f", "0x1p3", "NaN", "Infinity", "-1",
                "1e3", ".5"}) {
            assertThrows(TypeConversionException.class, () -> converter.convert(bad), bad);
        }
    }

    @Test
    void theCommandLineTakesTheTimeoutFlags() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--idle-timeout", "90s", "--header-timeout", "5", "--body-timeout", "250ms",
                "--shutdown-timeout", "1m");
        assertEquals(Duration.ofSeconds(90), main.idleTimeout);
        assertEquals(Duration.ofSeconds(5), main.headerTimeout);
        assertEquals(Duration.ofMillis(250), main.bodyTimeout);
        assertEquals(Duration.ofMinutes(1), main.shutdownTimeout);
    }
}
