package minihttp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Java main class from a jar, with minihttp's options: {@code --port}, {@code --threads}, {@code --tls}; how it
 * serves the work scenarios; and a note on where it departs from the others (null if nowhere).
 */
record JavaServer(String name, Path jar, String buildHint, String mainClass, List<String> args, Work work,
                  String note) implements ServerSpec {

    /** How a server does the work scenarios' CPU per request. */
    enum Work {
        /** It has no such route: the work scenarios are n/a. */
        NONE,
        /** It serves minihttp's demo route {@code /work?us=N}. */
        ROUTE,
        /** It answers every request alike and spins with {@code --work-us N} (the raw Netty baseline). */
        OPTION
    }

    static final String WORK_OPTION = "--work-us";

    JavaServer(String name, Path jar, String buildHint, String mainClass, List<String> args) {
        this(name, jar, buildHint, mainClass, args, Work.NONE, null);
    }

    JavaServer withWork(Work how) {
        return new JavaServer(name, jar, buildHint, mainClass, args, how, note);
    }

    JavaServer withNote(String text) {
        return new JavaServer(name, jar, buildHint, mainClass, args, work, text);
    }

    @Override
    public String unavailable() {
        return Files.isRegularFile(jar) ? null : jar + " missing; build it with: " + buildHint;
    }

    @Override
    public List<String> command(String java, int port, Scenario scenario, Path scratch) {
        if (scenario.working() && work == Work.NONE) {
            throw new UnsupportedOperationException("no /work route");
        }
        List<String> command = new ArrayList<>(List.of(java, "-cp", jar.toString(), mainClass,
                "--port", Integer.toString(port)));
        command.addAll(args);
        if (scenario.working() && work == Work.OPTION) {
            command.addAll(List.of(WORK_OPTION, Long.toString(scenario.workMicros())));
        }
        if (scenario.tls()) {
            command.add("--tls");
        }
        return command;
    }

    @Override
    public String shown() {
        return String.join(" ", command("java", 0, Scenario.ALL.get(0), null)).replace("--port 0", "--port <port>")
                + (work == Work.OPTION ? "  (work scenarios: " + WORK_OPTION + " N)" : "");
    }

    @Override
    public boolean printsReadyLine() {
        return true;
    }
}
