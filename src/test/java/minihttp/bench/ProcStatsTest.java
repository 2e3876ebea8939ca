package minihttp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void readsUserPlusSystemTicksPastACommandNameWithSpacesAndParentheses() {
        // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (my (odd) java) S 1 4242 4242 0 -1 4194560 5000 0 12 0 1234 567 8 9 20 0 31 0 100 "
                + "3000000000 25000 18446744073709551615";
        assertEquals(1234 + 567, ProcStats.cpuTicks(stat));
        assertEquals(567, ProcStats.systemTicks(stat));
    }

    @Test
    void readsPeakResidentSetFromStatus() {
        String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n";
        assertEquals(123456, ProcStats.peakRssKb(status));
        assertEquals(0, ProcStats.peakRssKb("Name:\tkthreadd\nState:\tS (sleeping)\n"));
    }

    @Test
    void readsCurrentResidentSetFromStatus() {
        String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n";
        assertEquals(100000, ProcStats.rssKb(status));
        assertEquals(0, ProcStats.rssKb("Name:\tkthreadd\nState:\tS (sleeping)\n"));
    }

    @Test
    void tellsTheJvmRuntimesThreadsFromTheServers() {
        for (String runtime : new String[] {"GC Thread#0", "G1 Refine#0", "G1 Conc#0", "G1 Main Marker",
                "VM Thread", "C2 CompilerThre", "C1 CompilerThre", "Sweeper thread"}) {
            assertTrue(ProcStats.isRuntimeThread(runtime), runtime);
        }
        for (String server : new String[] {"minihttp-epoll-", "multiThreadIoEv", "java", "nginx", "vert.x-eventloo",
                "main"}) {
            assertFalse(ProcStats.isRuntimeThread(server), server);
        }
    }

    @Test
    void countsARuntimeThreadStartedSinceWholeAndOneThatEndedNotAtAll() {
        ProcStats.Sample before = new ProcStats.Sample(100, 40, 1, Map.of(1L, 10L, 2L, 20L));
        ProcStats.Sample after = new ProcStats.Sample(200, 80, 1, Map.of(1L, 15L, 3L, 7L)); // 2 ended, 3 started
        assertEquals(5 + 7, after.runtimeTicksSince(before));
    }

    @Test
    void samplesThisProcessFromProc() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        ProcStats.Sample first = ProcStats.sample(ProcessHandle.current());
        long sum = 0;
        for (long i = 0; i < 200_000_000L; i++) {
            sum += i ^ (sum >>> 3); // burns CPU so the tick count must grow
        }
        ProcStats.Sample second = ProcStats.sample(ProcessHandle.current());
        assertTrue(sum != 42);
        assertTrue(first.peakRssKb() > 1024, "a JVM's peak RSS is above 1 MiB: " + first.peakRssKb());
        assertTrue(ProcStats.rssKb(ProcessHandle.current()) > 1024, "and so is its RSS now");
        assertTrue(second.cpuTicks() > first.cpuTicks(), first + " -> " + second);
        assertTrue(ProcStats.CLOCK_TICKS_PER_SECOND > 0);
        assertFalse(second.runtimeThreadTicks().isEmpty(), "a JVM has GC and JIT threads: " + second);
        long runtime = second.runtimeTicksSince(first);
        assertTrue(runtime >= 0 && runtime <= second.cpuTicks() - first.cpuTicks() + 2, first + " -> " + second);
        assertTrue(second.systemTicks() >= first.systemTicks() && second.systemTicks() <= second.cpuTicks(),
                first + " -> " + second);
    }
}
