package minihttp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The examples use the public API alone: no minihttp class outside its public packages, by import or by name. */
class ExamplesApiTest {

    private static final Path EXAMPLES = Path.of("src/examples/java");
    private static final List<String> PUBLIC_PACKAGES =
            List.of("minihttp.http", "minihttp.service", "minihttp.server", "minihttp.testing", "minihttp.examples");
    /** A qualified minihttp name: in an import, or written out in code. */
    private static final Pattern MINIHTTP_NAME = Pattern.compile("\\bminihttp(\\.[a-z]\\w*)+");

    @Test
    void examplesNameOnlyPublicPackages() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertFalse(sources.size() < 4, "the examples are found: " + sources);
        for (Path source : sources) {
            Matcher name = MINIHTTP_NAME.matcher(Files.readString(source));
            while (name.find()) {
                String qualified = name.group();
                assertEquals(true, PUBLIC_PACKAGES.stream().anyMatch(p -> qualified.equals(p) || qualified.startsWith(p + ".")),
                        source + " names " + qualified + ", which is not public API");
            }
        }
    }
}
