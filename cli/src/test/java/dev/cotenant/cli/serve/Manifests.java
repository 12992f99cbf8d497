package dev.cotenant.cli.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The manifests under {@code deploy/k8s}: their YAML documents, what each kustomization names, and
 * their output rendered by a real kustomize ({@code kustomize build} or {@code kubectl kustomize})
 * when one is on the PATH.
 */
final class Manifests {

    static final YAMLMapper YAML = new YAMLMapper();

    /** The fields of a kustomization that name files or folders of its own (a URL there is not checked). */
    static final List<String> FILE_FIELDS = List.of("resources", "components", "patchesStrategicMerge", "crds");

    private Manifests() {}

    /** {@code deploy/k8s} of this checkout, found from the working folder (the module's, under Maven) upwards. */
    static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path k = d.resolve("deploy/k8s");
            if (Files.isDirectory(k) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return k;
            }
        }
        throw new IllegalStateException("no deploy/k8s above " + Path.of("").toAbsolutePath());
    }

    /** Every YAML file under {@code dir}, sorted. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML file (an empty one, such as after a trailing {@code ---}, left out). */
    static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static List<JsonNode> documents(String yaml) {
        List<JsonNode> out = new ArrayList<>();
        try (JsonParser p = YAML.createParser(yaml)) {
            for (var it = YAML.readValues(p, JsonNode.class); it.hasNextValue(); ) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return out;
    }

    /** The folders under {@code root} that hold a kustomization.yaml, sorted. */
    static List<Path> kustomizations(Path root) {
        return yamlFiles(root).stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml")).map(Path::getParent).toList();
    }

    static JsonNode kustomization(Path dir) {
        List<JsonNode> docs = documents(dir.resolve("kustomization.yaml"));
        if (docs.size() != 1) {
            throw new IllegalStateException(dir + "/kustomization.yaml: " + docs.size() + " documents, expected one");
        }
        return docs.getFirst();
    }

    /** The local files and folders a kustomization names: its resources and the like, and its patches' files. */
    static List<Path> named(Path dir) {
        JsonNode k = kustomization(dir);
        List<Path> out = new ArrayList<>();
        for (String field : FILE_FIELDS) {
            for (String entry : ServeInvocation.strings(k.path(field))) {
                if (!entry.contains("://")) {
                    out.add(dir.resolve(entry).normalize());
                }
            }
        }
        for (String field : List.of("patches", "patchesJson6902")) {
            k.path(field).forEach(patch -> {
                if (patch.hasNonNull("path")) {
                    out.add(dir.resolve(patch.get("path").asText()).normalize());
                }
            });
        }
        return out;
    }

    /**
     * The documents a kustomization starts from: its resource files, and those of the
     * kustomizations it names as resources, recursively (an overlay's are its base's).
     */
    static List<JsonNode> sources(Path dir) {
        List<JsonNode> out = new ArrayList<>();
        for (String entry : ServeInvocation.strings(kustomization(dir).path("resources"))) {
            Path p = dir.resolve(entry).normalize();
            out.addAll(Files.isDirectory(p) ? sources(p) : documents(p));
        }
        return out;
    }

    /**
     * The image that the kustomization (or the nearest one it builds on) sets for {@code name}
     * through its {@code images} entry: what every rendered container of the image must run.
     */
    static Optional<String> image(Path dir, String name) {
        for (JsonNode i : kustomization(dir).path("images")) {
            if (i.path("name").asText().equals(name)) {
                String image = i.path("newName").asText(name);
                return Optional.of(i.hasNonNull("digest") ? image + "@" + i.get("digest").asText() : image + ":" + i.path("newTag").asText("latest"));
            }
        }
        for (String entry : ServeInvocation.strings(kustomization(dir).path("resources"))) {
            Path p = dir.resolve(entry).normalize();
            Optional<String> found = Files.isDirectory(p) ? image(p, name) : Optional.empty();
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** A kustomize on the PATH, as the command that renders a folder (the folder goes last). */
    static Optional<List<String>> renderer() {
        if (onPath("kustomize").isPresent()) {
            return Optional.of(List.of("kustomize", "build"));
        }
        if (onPath("kubectl").isPresent()) {
            return Optional.of(List.of("kubectl", "kustomize"));
        }
        return Optional.empty();
    }

    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(s -> !s.isEmpty()).map(s -> Path.of(s, program))
                .filter(Files::isExecutable).findFirst();
    }

    /** The renderer's version line, for the log of what rendered. */
    static String version(List<String> renderer) {
        List<String> cmd = renderer.getFirst().equals("kubectl") ? List.of("kubectl", "version", "--client") : List.of("kustomize", "version");
        return run(cmd).strip().replace('\n', ';');
    }

    /** The documents {@code renderer} makes of {@code dir}; fails with its error output when it refuses. */
    static List<JsonNode> render(List<String> renderer, Path dir) {
        List<String> cmd = new ArrayList<>(renderer);
        cmd.add(dir.toString());
        return documents(run(cmd));
    }

    private static String run(List<String> cmd) {
        Path out = null;
        Path err = null;
        try {
            // Both streams to files, so that a renderer that hangs is stopped by the timeout, not a blocked read.
            out = Files.createTempFile("kustomize", ".out");
            err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": still running after 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + Files.readString(err));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static void delete(Path p) {
        try {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
