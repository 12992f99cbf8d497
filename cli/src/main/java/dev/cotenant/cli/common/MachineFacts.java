package dev.cotenant.cli.common;

import dev.cotenant.kernels.VectorUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * What a report must say about where its figures came from: the CPU and the vector unit the
 * kernels were shaped for, the code (the commit the launcher found, {@code -Dcotenant.commit}, and the build date),
 * the Java runtime, the time and the command. Figures from different machines or builds are not
 * comparable, so every report carries these lines.
 */
public final class MachineFacts {

    private MachineFacts() {}

    /** One line each: cpu, kernels, code, java, date, command. */
    public static List<String> lines(String command) {
        return List.of(
                "cpu: " + cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores available",
                "kernels: " + VectorUnit.describe(),
                "code: commit " + BuildInfo.current().commit() + ", built " + BuildInfo.current().date(),
                "java: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
                "date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS),
                "command: " + command);
    }

    /** The CPU's model name as the operating system reports it, or the architecture where it does not. */
    static String cpu() {
        return modelName(Path.of("/proc/cpuinfo")).orElse(System.getProperty("os.arch"));
    }

    static Optional<String> modelName(Path cpuinfo) {
        try {
            return Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
