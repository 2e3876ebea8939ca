package minihttp.app;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration option: {@code 500ms}, {@code 10s}, {@code 2m}, or a number of seconds ({@code 1.5}). */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            String seconds = v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
            if (!DECIMAL.matcher(seconds).matches()) { // parseDouble alone takes 1d, 1f, 0x1p3, NaN, Infinity
                throw new NumberFormatException(seconds);
            }
            return Duration.ofNanos(Math.round(Double.parseDouble(seconds) * 1e9));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException("not a duration: '" + value + "' (examples: 500ms, 10s, 2m, 1.5)");
        }
    }
}
