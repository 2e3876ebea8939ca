package minihttp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** CPU time and memory of a server process and its children (nginx workers), read from Linux's /proc. */
final class ProcStats {

    /** Fields 14 and 15 of /proc/PID/stat, counted from the state field (3) that follows the command name. */
    private static final int UTIME_AFTER_COMM = 14 - 3;
    private static final int STIME_AFTER_COMM = 15 - 3;
    private static final String VM_HWM = "VmHWM:";
    private static final String VM_RSS = "VmRSS:";
    /** Linux's USER_HZ nearly everywhere; used when getconf cannot tell. */
    private static final long DEFAULT_CLOCK_TICKS = 100;

    /** The kernel's USER_HZ, the unit of the tick counts in /proc/PID/stat. */
    static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

    /** CPU ticks (user + system) and peak resident memory in KiB, summed over a process tree. */
    record Sample(long cpuTicks, long peakRssKb) {}

    private ProcStats() {}

    /** Sums over {@code root} and its live descendants; a process that is gone by now counts as nothing. */
    static Sample sample(ProcessHandle root) {
        long ticks = 0;
        long rss = 0;
        List<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants()).toList();
        for (ProcessHandle process : tree) {
            Path dir = Path.of("/proc", Long.toString(process.pid()));
            try {
                ticks += cpuTicks(Files.readString(dir.resolve("stat")));
                rss += peakRssKb(Files.readString(dir.resolve("status")));
            } catch (IOException e) {
                // It exited between listing and reading.
            }
        }
        return new Sample(ticks, rss);
    }

    /**
     * The resident set in KiB now (VmRSS), summed over {@code root} and its live descendants: nginx's master and
     * workers, a JVM alone.
     */
    static long rssKb(ProcessHandle root) {
        long rss = 0;
        for (ProcessHandle process : Stream.concat(Stream.of(root), root.descendants()).toList()) {
            try {
                rss += rssKb(Files.readString(Path.of("/proc", Long.toString(process.pid()), "status")));
            } catch (IOException e) {
                // It exited between listing and reading.
            }
        }
        return rss;
    }

    /** utime + stime from a /proc/PID/stat line; the command name may hold spaces and parentheses. */
    static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[UTIME_AFTER_COMM]) + Long.parseLong(fields[STIME_AFTER_COMM]);
    }

    /** VmHWM (peak resident set) in KiB from /proc/PID/status; 0 for a kernel thread or zombie without one. */
    static long peakRssKb(String status) {
        return kilobytes(status, VM_HWM);
    }

    /** VmRSS (resident set now) in KiB from /proc/PID/status; 0 for a kernel thread or zombie without one. */
    static long rssKb(String status) {
        return kilobytes(status, VM_RSS);
    }

    private static long kilobytes(String status, String field) {
        return status.lines()
                .filter(line -> line.startsWith(field))
                .map(line -> line.substring(field.length()).trim().split("\\s+")[0])
                .mapToLong(Long::parseLong)
                .findFirst().orElse(0);
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : DEFAULT_CLOCK_TICKS;
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_CLOCK_TICKS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_CLOCK_TICKS;
        }
    }
}
