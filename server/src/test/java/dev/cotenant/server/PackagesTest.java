package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's rooms, read from its class files (what {@code jdeps -verbose:package} shows): each
 * package uses only the packages its {@code package-info} allows, so there is no cycle between
 * them, and no package holds more than a dozen classes.
 */
class PackagesTest {

    private static final String ROOT = "dev.cotenant.server";

    /** What each package may use, as its package-info says; the entry may use every room. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("protocol", Set.of()),
            Map.entry("serving", Set.of("protocol")),
            Map.entry("repository", Set.of("serving", "protocol", "config")),
            Map.entry("regulate", Set.of("serving", "protocol")),
            Map.entry("metrics", Set.of("serving", "regulate", "protocol")),
            Map.entry("front", Set.of("serving", "repository", "metrics", "protocol", "wire", "config", "access", "logs")),
            Map.entry("wire", Set.of("config")),
            Map.entry("config", Set.of()),
            Map.entry("access", Set.of()),
            Map.entry("logs", Set.of()),
            Map.entry("load", Set.of("protocol", "wire")));

    private static final Pattern REFERENCE = Pattern.compile("dev/cotenant/server((?:/[a-z]\\w*)*)/[A-Z]");

    /** Per server package (its name below {@code dev.cotenant.server}, "" for the entry): the server packages its classes use. */
    private static Map<String, Set<String>> uses(Path classes) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes.resolve(ROOT.replace('.', '/')))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String pkg = room(classes.relativize(f.getParent()).toString().replace('/', '.'));
                Set<String> mine = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (PoolEntry e : ClassFile.of().parse(f).constantPool()) {
                    if (e instanceof Utf8Entry u) {
                        Matcher m = REFERENCE.matcher(u.stringValue());
                        while (m.find()) {
                            String other = room(ROOT + m.group(1).replace('/', '.'));
                            if (!other.equals(pkg)) {
                                mine.add(other);
                            }
                        }
                    }
                }
            }
        }
        return uses;
    }

    private static String room(String pkg) {
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }

    private static Path classes() throws URISyntaxException {
        return Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void eachRoomUsesOnlyWhatItsPackageInfoAllowsSoNoTwoRoomsUseEachOther() throws Exception {
        Map<String, Set<String>> uses = uses(classes());
        assertEquals(new TreeSet<>(List.of("", "access", "config", "front", "load", "logs", "metrics", "protocol", "regulate", "repository", "serving",
                "wire")),
                uses.keySet(), "the server's packages");
        List<String> wrong = new ArrayList<>();
        uses.forEach((pkg, used) -> {
            if (!pkg.isEmpty()) {
                for (String u : used) {
                    if (!ALLOWED.get(pkg).contains(u)) {
                        wrong.add(pkg + " -> " + (u.isEmpty() ? "the entry" : u));
                    }
                }
            }
        });
        assertEquals(List.of(), wrong, "uses its package-info does not allow");
        assertEquals(Set.of("protocol"), uses.get("serving"), "the scan sees what serving uses");
        assertTrue(uses.get("").containsAll(Set.of("front", "regulate", "repository", "serving")), "the entry puts the rooms together: " + uses.get(""));
        for (String pkg : uses.keySet()) {
            assertTrue(cycleFrom(pkg, pkg, uses, new TreeSet<>()) == null, "a cycle through " + pkg);
        }
    }

    /** A path of uses from {@code at} back to {@code start}, or null. */
    private static String cycleFrom(String start, String at, Map<String, Set<String>> uses, Set<String> seen) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                return at + " -> " + next;
            }
            if (seen.add(next)) {
                String rest = cycleFrom(start, next, uses, seen);
                if (rest != null) {
                    return at + " -> " + rest;
                }
            }
        }
        return null;
    }

    @Test
    void noHandWrittenRoomHoldsMoreThanADozenClasses() throws Exception {
        Path classes = classes();
        Map<String, Integer> count = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes.resolve(ROOT.replace('.', '/')))) {
            files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
                    .forEach(p -> count.merge(room(classes.relativize(p.getParent()).toString().replace('/', '.')), 1, Integer::sum));
        }
        count.remove("wire");
        count.remove("config");
        count.forEach((pkg, n) -> assertTrue(n <= 12, (pkg.isEmpty() ? "the entry" : pkg) + " holds " + n + " classes"));
    }
}
