package minihttp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Java main class from a jar, with minihttp's options: {@code --port}, {@code --threads}, {@code --tls}. */
record JavaServer(String name, Path jar, String buildHint, String mainClass, List<String> args) implements ServerSpec {

    @Override
    public String unavailable() {
        return Files.isRegularFile(jar) ? null : jar + " missing; build it with: " + buildHint;
    }

    @Override
    public List<String> command(String java, int port, boolean tls, Path scratch) {
        List<String> command = new ArrayList<>(List.of(java, "-cp", jar.toString(), mainClass,
                "--port", Integer.toString(port)));
        command.addAll(args);
        if (tls) {
            command.add("--tls");
        }
        return command;
    }

    @Override
    public String shown() {
        return String.join(" ", command("java", 0, false, null)).replace("--port 0", "--port <port>");
    }

    @Override
    public boolean printsReadyLine() {
        return true;
    }
}
