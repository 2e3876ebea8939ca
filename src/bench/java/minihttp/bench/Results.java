package minihttp.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every measurement of one harness run: per scenario and server, one per round; per server, the idle connections'
 * cost in each round ({@code --idle-connections}); and why a cell has none.
 */
final class Results {

    /** The name the idle-connection measurement's notes and n/a marks are kept under, beside the scenarios'. */
    static final String IDLE = "idle-connections";

    private final List<Scenario> scenarios;
    private final List<String> servers;
    private final int rounds;
    private final Map<String, Measurement[]> cells = new HashMap<>();
    private final Map<String, IdleCost[]> idle = new HashMap<>();
    private final Map<String, String> notes = new HashMap<>();
    private final Set<String> unsupported = new HashSet<>();

    Results(List<Scenario> scenarios, List<String> servers, int rounds) {
        this.scenarios = List.copyOf(scenarios);
        this.servers = List.copyOf(servers);
        this.rounds = rounds;
    }

    List<Scenario> scenarios() {
        return scenarios;
    }

    List<String> servers() {
        return servers;
    }

    int rounds() {
        return rounds;
    }

    void put(String scenario, String server, int round, Measurement measurement) {
        rounds(scenario, server)[round] = measurement;
    }

    /** The measurements of every round, null where a run failed or did not happen. */
    Measurement[] rounds(String scenario, String server) {
        return cells.computeIfAbsent(key(scenario, server), k -> new Measurement[rounds]);
    }

    void putIdle(String server, int round, IdleCost cost) {
        idleRounds(server)[round] = cost;
    }

    /** The idle connections' cost in every round, null where a measurement failed or did not happen. */
    IdleCost[] idleRounds(String server) {
        return idle.computeIfAbsent(server, k -> new IdleCost[rounds]);
    }

    /** Records why a cell lacks figures; the first reason given is kept. */
    void note(String scenario, String server, String why) {
        notes.putIfAbsent(key(scenario, server), why);
    }

    /** Marks a cell that cannot run at all here (n/a), so later rounds skip it. */
    void unsupported(String scenario, String server, String why) {
        note(scenario, server, why);
        unsupported.add(key(scenario, server));
    }

    boolean isUnsupported(String scenario, String server) {
        return unsupported.contains(key(scenario, server));
    }

    String note(String scenario, String server) {
        return notes.get(key(scenario, server));
    }

    private static String key(String scenario, String server) {
        return scenario + '\n' + server;
    }
}
