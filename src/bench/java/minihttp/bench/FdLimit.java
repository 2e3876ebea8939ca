package minihttp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs children with a raised open-file limit: 16,384 connections need as many descriptors in wrk and server. */
final class FdLimit {

    static final int WANTED = 65536;
    /** Raises the soft limit to WANTED, or as far as the hard limit allows, then execs the command (same PID). */
    private static final String RAISE = "ulimit -n " + WANTED + " 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"";

    /** The row of /proc/PID/limits: soft limit, hard limit, unit. */
    private static final String OPEN_FILES = "Max open files";

    private FdLimit() {}

    /** {@code command} run through bash with the raised limit; exec keeps the PID the harness measures. */
    static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", RAISE + "; exec \"$@\"", "fd-limit"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * This JVM's own soft limit, which bounds the idle connections the harness holds itself; -1 if unknown. The JVM
     * raises it to the hard limit as it starts (-XX:+MaxFDLimit), so it is usually the hard limit.
     */
    static long own() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                    .filter(line -> line.startsWith(OPEN_FILES))
                    .map(line -> line.substring(OPEN_FILES.length()).trim().split("\\s+")[0])
                    .filter(soft -> soft.matches("\\d+"))
                    .mapToLong(Long::parseLong)
                    .findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The soft limit the children get, or -1 if bash cannot tell. */
    static long effective() throws InterruptedException {
        try {
            Process bash = new ProcessBuilder(wrap(List.of("bash", "-c", "ulimit -n"))).redirectErrorStream(true)
                    .start();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return bash.waitFor() == 0 ? Long.parseLong(out) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
