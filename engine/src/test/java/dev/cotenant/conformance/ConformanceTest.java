package dev.cotenant.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every ONNX conformance case under the data folder, one dynamic test each: a passed case
 * succeeds, a skipped one is aborted with its reason, a failed one fails with its reason.
 *
 * <p>The folder is the system property {@code cotenant.onnx.data} (set by the build) or the
 * environment variable {@code COTENANT_ONNX_DATA}; {@code -Dcotenant.conformance.filter=REGEX}
 * runs only the cases whose names it finds a match in, {@code -Dcotenant.conformance.timeout=SECONDS}
 * limits each case (300 by default). Without data, one test says so and is
 * skipped: the suite never passes for lack of data.
 */
class ConformanceTest {

    private static final Conformance RUNNER = new Conformance(Math.min(2, Runtime.getRuntime().availableProcessors()),
            java.time.Duration.ofSeconds(Long.getLong("cotenant.conformance.timeout", 300)));

    @AfterAll
    static void close() {
        RUNNER.close();
    }

    static Path dataFolder() {
        String p = System.getProperty("cotenant.onnx.data");
        if (p == null || p.isBlank()) {
            p = System.getenv("COTENANT_ONNX_DATA");
        }
        return p == null || p.isBlank() ? null : Path.of(p);
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        Path data = dataFolder();
        if (data == null || !Files.isDirectory(data)) {
            String where = data == null ? "(no folder given)" : data.toAbsolutePath().normalize().toString();
            String reason = "ONNX conformance data not found at " + where + "; set COTENANT_ONNX_DATA";
            System.err.println("WARNING: " + reason);
            return Stream.of(DynamicTest.dynamicTest("ONNX conformance data", () -> Assumptions.abort(reason)));
        }
        String regex = System.getProperty("cotenant.conformance.filter");
        Predicate<String> filter = regex == null || regex.isBlank() ? name -> true : Pattern.compile(regex).asPredicate();
        List<Case> cases = Conformance.find(List.of(data), filter);
        if (cases.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("ONNX conformance cases", () -> Assumptions.abort(
                    "no conformance case under " + data.toAbsolutePath().normalize() + (regex == null ? "" : " matches filter '" + regex + "'"))));
        }
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            CaseResult r = RUNNER.run(c);
            switch (r.status()) {
                case PASSED -> { }
                case SKIPPED -> Assumptions.abort(c.name() + ": " + r.reason());
                case FAILED -> fail(c.name() + ": " + r.reason());
            }
        }));
    }
}
