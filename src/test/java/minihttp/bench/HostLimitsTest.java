package minihttp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostLimitsTest {

    @Test
    void fdLimitWrapperExecsTheCommandUnchanged() {
        List<String> wrapped = FdLimit.wrap(List.of("wrk", "-c", "a b"));
        assertEquals("bash", wrapped.get(0));
        assertEquals(List.of("wrk", "-c", "a b"), wrapped.subList(4, 7));
        assertTrue(wrapped.get(2).contains("ulimit -n 65536"), wrapped.get(2));
        assertTrue(wrapped.get(2).endsWith("exec \"$@\""), wrapped.get(2));
    }

    @Test
    void ownFdLimitIsReadFromProc() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/limits")), "needs Linux /proc");
        assertTrue(FdLimit.own() > 0, "this JVM's open-file limit: " + FdLimit.own());
    }

    @Test
    void onlyAJavaProcessIsAskedForItsLiveHeap() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        // A test JVM runs the java launcher; jcmd would send SIGQUIT to anything else and wait for it.
        assertTrue(IdleConnections.isJvm(ProcessHandle.current()));
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertFalse(IdleConnections.isJvm(sleep.toHandle()));
        } finally {
            sleep.destroy();
        }
    }

    @Test
    void portRangeAllowsHalfItsPortsToConnect() {
        assertEquals(14116, PortRange.connectable("32768\t60999"));
        assertEquals(32256, PortRange.connectable(PortRange.WIDE));
        assertTrue(PortRange.connectable("32768 60999") < 16384);
        assertTrue(PortRange.connectable(PortRange.WIDE) >= 16384);
    }
}
