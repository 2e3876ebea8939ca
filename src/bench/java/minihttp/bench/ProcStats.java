package minihttp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The names HotSpot gives the threads of its own runtime (garbage collection, the JIT compilers, VM operations),
     * as /proc shows them (15 characters at most). They are the runtime's cost, not the server code's.
     */
    private static final List<String> RUNTIME_THREAD_PREFIXES = List.of("GC Thread#", "G1 ", "VM Thread",
            "C1 CompilerThre", "C2 CompilerThre", "Sweeper thread", "VM Periodic Tas", "Monitor Deflati");

    /**
     * CPU ticks (user + system, and of them system: in the kernel) and peak resident memory in KiB, summed over a
     * process tree, and the ticks of each of the JVM runtime's threads by thread id.
     */
    record Sample(long cpuTicks, long systemTicks, long peakRssKb, Map<Long, Long> runtimeThreadTicks) {

        /**
         * The ticks the JVM's runtime threads (GC, JIT, VM operations) took between {@code before} and this sample:
         * a thread started since counts whole, and one that ended in between is not seen (the JIT's compiler
         * threads come and go), so this is at most what they took.
         */
        long runtimeTicksSince(Sample before) {
            long ticks = 0;
            for (Map.Entry<Long, Long> thread : runtimeThreadTicks.entrySet()) {
                ticks += thread.getValue() - before.runtimeThreadTicks.getOrDefault(thread.getKey(), 0L);
            }
            return ticks;
        }
    }

    private ProcStats() {}

    /** Sums over {@code root} and its live descendants; a process that is gone by now counts as nothing. */
    static Sample sample(ProcessHandle root) {
        long ticks = 0;
        long system = 0;
        long rss = 0;
        Map<Long, Long> runtimeThreads = new HashMap<>();
        List<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants()).toList();
        for (ProcessHandle process : tree) {
            Path dir = Path.of("/proc", Long.toString(process.pid()));
            try {
                String stat = Files.readString(dir.resolve("stat"));
                ticks += cpuTicks(stat);
                system += systemTicks(stat);
                rss += peakRssKb(Files.readString(dir.resolve("status")));
                runtimeThreads(dir, runtimeThreads);
            } catch (IOException e) {
                // It exited between listing and reading.
            }
        }
        return new Sample(ticks, system, rss, runtimeThreads);
    }

    /** Adds the ticks of the process's JVM runtime threads, by thread id, to {@code ticks}. */
    private static void runtimeThreads(Path process, Map<Long, Long> ticks) throws IOException {
        try (Stream<Path> tasks = Files.list(process.resolve("task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (isRuntimeThread(Files.readString(task.resolve("comm")).strip())) {
                        ticks.put(Long.parseLong(task.getFileName().toString()),
                                cpuTicks(Files.readString(task.resolve("stat"))));
                    }
                } catch (IOException e) {
                    // The thread ended between listing and reading.
                }
            }
        }
    }

    /** Whether a thread of this name (as /proc shows it) is the JVM runtime's: GC, a JIT compiler, VM operations. */
    static boolean isRuntimeThread(String name) {
        return RUNTIME_THREAD_PREFIXES.stream().anyMatch(name::startsWith);
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
        String[] fields = statFields(stat);
        return Long.parseLong(fields[UTIME_AFTER_COMM]) + Long.parseLong(fields[STIME_AFTER_COMM]);
    }

    /** stime alone, the time in the kernel (system calls, the network stack), from a /proc/PID/stat line. */
    static long systemTicks(String stat) {
        return Long.parseLong(statFields(stat)[STIME_AFTER_COMM]);
    }

    /** The fields after the command name, which may hold spaces and parentheses. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
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
