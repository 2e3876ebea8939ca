package minihttp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Stream;

/** Where and when the benchmark ran, for the report's header. */
record Machine(String date, String cpu, int cores, String kernel, String jdk, String wrk) {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);
    private static final String UNKNOWN = "unknown";

    /** This machine, now. */
    static Machine detect(String wrkVersion) {
        return new Machine(ZonedDateTime.now(ZoneOffset.UTC).format(DATE), cpuModel(),
                Runtime.getRuntime().availableProcessors(), kernelName(),
                System.getProperty("java.version") + ", " + System.getProperty("java.vendor") + " ("
                        + System.getProperty("java.vm.name") + ")",
                wrkVersion);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse(UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static String kernelName() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")";
    }
}
