package minihttp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The harness's --pin, --target, --scenarios and --idle-connections options, and the scenarios that choose what each
 * request asks for.
 */
class HarnessOptionsTest {

    private static Scenario scenario(String name) {
        return Scenario.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void pinPutsServerAndWrkOnTheirCpusWithTaskset() {
        Pinning pin = Pinning.parse("0:1-3,5");
        assertTrue(pin.any());
        assertEquals(List.of("taskset", "-c", "0", "java", "Main"), pin.server(List.of("java", "Main")));
        assertEquals(List.of("taskset", "-c", "1-3,5", "wrk", "url"), pin.wrk(List.of("wrk", "url")));
        assertTrue(pin.describe().contains("server runs on CPUs 0 and wrk on CPUs 1-3,5"), pin.describe());
    }

    @Test
    void pinMayLeaveEitherSideFree() {
        Pinning wrkOnly = Pinning.parse(":1");
        assertEquals(List.of("java"), wrkOnly.server(List.of("java")));
        assertEquals(List.of("taskset", "-c", "1", "wrk"), wrkOnly.wrk(List.of("wrk")));
        assertFalse(Pinning.parse(":").any());
        assertFalse(Pinning.NONE.any());
    }

    @Test
    void pinRejectsWhatTasksetWouldNotTake() {
        for (String bad : List.of("0", "0:1:2", "a:1", "0:1-", "0;rm:1", "0 1:2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pinning.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--pin"), e.getMessage());
        }
    }

    @Test
    void targetIsHostAndPortAndLoadsEveryScenarioThere() {
        RemoteServer target = RemoteServer.parse("192.168.1.20:8080");
        assertEquals("192.168.1.20:8080", target.hostAndPort());
        assertEquals("target", target.name());
        assertNull(target.unavailable());
        assertEquals("[::1]:9", RemoteServer.parse("[::1]:9").hostAndPort());
        assertEquals("http://192.168.1.20:8080/plaintext", scenario("pipelined-256").url(target.hostAndPort()));
        assertEquals("https://192.168.1.20:8080/plaintext", scenario("tls-plain-64").url(target.hostAndPort()));
        assertEquals("http://192.168.1.20:8080/work?us=50", scenario("work-plain-64").url(target.hostAndPort()));
        assertTrue(target.note().contains("no CPU time or memory"), target.note());
        assertThrows(UnsupportedOperationException.class, () -> target.command("java", 1, scenario("plain-64"), null));
    }

    @Test
    void targetRejectsAMissingHostOrABadPort() {
        for (String bad : List.of("8080", ":8080", "host:", "host:0", "host:65536", "host:http")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteServer.parse(bad),
                    bad);
            assertTrue(e.getMessage().startsWith("--target takes host:port"), e.getMessage());
        }
    }

    @Test
    void scenariosForTheSeedsTableAndForServerBoundWork() {
        Scenario seed = scenario(Scenario.SEED_PIPELINED);
        assertEquals(32, seed.pipelineDepth());
        assertTrue(seed.defaultThreads());
        assertTrue(seed.description().contains("default threads"), seed.description());
        assertFalse(scenario(Scenario.SEED_SINGLE).pipelined());
        assertFalse(scenario(Scenario.SEED_SINGLE).defaultThreads());
        Scenario work = scenario("work-pipelined-256");
        assertTrue(work.working() && work.pipelined());
        assertEquals("/work?us=" + Scenario.WORK_MICROS, work.path());
        assertTrue(work.description().contains("50 µs of CPU per request"), work.description());
        assertEquals("/plaintext", scenario("pipelined-256").path());
        assertEquals(Scenario.ALL.size(), Scenario.ALL.stream().map(Scenario::name).distinct().count());
    }

    @Test
    void idleConnectionsTakesACountAndDefaultsToOff() {
        CommandLine off = new CommandLine(new Harness(new String[0]));
        off.parseArgs("--servers", "minihttp-1,raw-netty");
        assertEquals(0, (int) off.getCommandSpec().findOption("--idle-connections").getValue());
        CommandLine on = new CommandLine(new Harness(new String[0]));
        on.parseArgs("--idle-connections", "2000", "--scenarios", "none", "--rounds", "1");
        assertEquals(2000, (int) on.getCommandSpec().findOption("--idle-connections").getValue());
        assertEquals(List.of("none"), on.getCommandSpec().findOption("--scenarios").getValue());
        assertThrows(CommandLine.ParameterException.class,
                () -> new CommandLine(new Harness(new String[0])).parseArgs("--idle-connections", "many"));
    }

    @Test
    void scenariosNoneRunsNoWrkScenario() {
        assertEquals(List.of(), Harness.scenarios(List.of(Scenario.NONE), false));
        assertEquals(List.of(), Harness.scenarios(List.of(Scenario.NONE), true));
        // "none" is not a scenario beside others, and an unknown name is still an error.
        assertNull(Harness.scenarios(List.of(Scenario.NONE, "plain-64"), false));
        assertNull(Harness.scenarios(List.of("plain-65"), false));
        assertEquals(List.of(scenario("pipelined-256"), scenario("plain-64")), Harness.scenarios(null, true));
        assertEquals(Scenario.ALL, Harness.scenarios(null, false));
        assertEquals(List.of(scenario("plain-64")), Harness.scenarios(List.of("plain-64"), true));
    }

    @Test
    void idleConnectionsRunAloneOrBesideTheScenariosButNotAgainstATarget() {
        List<Scenario> plain = List.of(scenario("plain-64"));
        assertNull(Harness.idleProblem(2000, List.of(), false));
        assertNull(Harness.idleProblem(2000, plain, false));
        assertNull(Harness.idleProblem(0, plain, false));
        assertNull(Harness.idleProblem(0, plain, true));
        assertTrue(Harness.idleProblem(0, List.of(), false).contains("nothing to run"));
        assertTrue(Harness.idleProblem(-1, plain, false).startsWith("--idle-connections takes"));
        assertTrue(Harness.idleProblem(2000, plain, true).contains("--target"));
    }

    @Test
    void idleCostIsTheGrowthPerConnection() {
        IdleCost jvm = new IdleCost(2000, 100_000, 113_000, 20_000_000, 26_000_000);
        assertEquals(13_000 * 1024 / 2000.0, jvm.rssBytesPerConnection(), 1e-9);
        assertEquals(3000, jvm.liveHeapBytesPerConnection(), 1e-9);
        assertTrue(jvm.hasLiveHeap());
        IdleCost nginx = new IdleCost(2000, 3000, 5000, IdleCost.NOT_A_JVM, IdleCost.NOT_A_JVM);
        assertFalse(nginx.hasLiveHeap());
        assertTrue(Double.isNaN(nginx.liveHeapBytesPerConnection()));
        assertEquals(1024, nginx.rssBytesPerConnection(), 1e-9);
    }

    @Test
    void requestsPerCpuSecondIsTheInverseOfCpuTimePerRequest() {
        WrkResult wrk = new WrkResult(100, 100, 1, 2, 0, 0);
        assertEquals(400_000, new Measurement(wrk, 2.5, 0.5, 1.5, 1).requestsPerCpuSecond(), 1e-6);
        assertTrue(Double.isNaN(new Measurement(wrk, 0, 0, 0, 1).requestsPerCpuSecond()));
        Measurement remote = Measurement.clientOnly(wrk);
        assertTrue(Double.isNaN(remote.requestsPerCpuSecond()));
        assertTrue(Double.isNaN(remote.peakRss()));
        assertEquals(1, new Measurement(wrk, 2.5, 0.5, 1.5, 1).peakRss(), 0);
    }
}
