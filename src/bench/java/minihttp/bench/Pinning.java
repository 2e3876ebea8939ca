package minihttp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --pin SERVER_CPUS:WRK_CPUS}: the CPUs (taskset lists, e.g. {@code 0} or {@code 0-1,4}) that the server
 * and wrk run on, so that they do not take each other's cores; either side may be empty for no pinning.
 */
record Pinning(String serverCpus, String wrkCpus) {

    static final Pinning NONE = new Pinning("", "");
    private static final Pattern CPU_LIST = Pattern.compile("(\\d+(-\\d+)?)(,\\d+(-\\d+)?)*");

    /** Parses {@code SERVER_CPUS:WRK_CPUS}; throws IllegalArgumentException with what is wrong. */
    static Pinning parse(String option) {
        int colon = option.indexOf(':');
        if (colon < 0 || option.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("--pin takes SERVER_CPUS:WRK_CPUS, e.g. 0:1 or 0-1:2-3, not " + option);
        }
        Pinning pinning = new Pinning(option.substring(0, colon), option.substring(colon + 1));
        for (String cpus : List.of(pinning.serverCpus, pinning.wrkCpus)) {
            if (!cpus.isEmpty() && !CPU_LIST.matcher(cpus).matches()) {
                throw new IllegalArgumentException("--pin: " + cpus + " is not a CPU list such as 0, 0-3 or 0,2");
            }
        }
        return pinning;
    }

    boolean any() {
        return !serverCpus.isEmpty() || !wrkCpus.isEmpty();
    }

    List<String> server(List<String> command) {
        return pinned(serverCpus, command);
    }

    List<String> wrk(List<String> command) {
        return pinned(wrkCpus, command);
    }

    /** taskset execs the command, so the PID the harness measures stays the server's. */
    private static List<String> pinned(String cpus, List<String> command) {
        if (cpus.isEmpty()) {
            return command;
        }
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus));
        pinned.addAll(command);
        return pinned;
    }

    /** For the report's setup paragraph. */
    String describe() {
        return "The server runs on CPUs " + (serverCpus.isEmpty() ? "any" : serverCpus) + " and wrk on CPUs "
                + (wrkCpus.isEmpty() ? "any" : wrkCpus) + " (taskset -c).";
    }
}
