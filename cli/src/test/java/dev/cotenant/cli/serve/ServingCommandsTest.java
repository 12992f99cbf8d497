package dev.cotenant.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.cli.Main;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `repo`, `load` and `serve` through the real command line, against a server on loopback. */
class ServingCommandsTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void repoThenLoadOpenAndClosedLoop(@TempDir Path dir) throws Exception {
        Run repo = run("repo", dir.toString(), "--zoo", "tiny", "--slo-ms", "tiny=100", "--queue", "16");
        assertEquals(0, repo.code(), repo.err());
        assertTrue(Files.readString(dir.resolve("tiny/config.pbtxt")).contains("string_value: \"100\""));
        try (Server s = Server.start(ServerOptions.defaults(dir).withPorts(0, -1).withCores(2))) {
            String url = "http://127.0.0.1:" + s.httpPort();
            Run open = run("load", "--url", url, "--model", "tiny", "--rate", "40", "--duration", "1s", "--json");
            assertEquals(0, open.code(), open.err());
            assertTrue(open.out().contains("\"mode\" : \"open-loop\""), open.out());
            assertTrue(open.out().contains("\"lost\" : 0"), open.out());
            String ok = java.util.regex.Pattern.compile("\"ok\" : (\\d+)").matcher(open.out()).results().findFirst().orElseThrow().group(1);
            assertTrue(open.out().contains("\"sloMs\" : 0.0"), "no bound given, none judged: " + open.out());
            Run closed = run("load", "--url", url, "--model", "tiny", "--concurrency", "2", "--duration", "1s");
            assertEquals(0, closed.code(), closed.err());
            assertTrue(closed.out().startsWith("model"), closed.out());
            assertTrue(closed.out().contains("tiny"), closed.out());
            // a bound no answer can miss counts every answer; one no answer can meet, none
            Run loose = run("load", "--url", url, "--model", "tiny", "--rate", "40", "--duration", "1s", "--slo-ms", "tiny=60000", "--json");
            assertEquals(0, loose.code(), loose.err());
            String looseOk = java.util.regex.Pattern.compile("\"ok\" : (\\d+)").matcher(loose.out()).results().findFirst().orElseThrow().group(1);
            assertTrue(loose.out().contains("\"withinSlo\" : " + looseOk + ","), loose.out());
            assertTrue(Integer.parseInt(ok) > 0 && Integer.parseInt(looseOk) > 0, loose.out());
            Run tight = run("load", "--url", url, "--model", "tiny", "--rate", "40", "--duration", "1s", "--slo-ms", "tiny=0.000001");
            assertEquals(0, tight.code(), tight.err());
            assertTrue(tight.out().lines().findFirst().orElseThrow().endsWith("in SLO/s"), tight.out());
            assertTrue(tight.out().lines().skip(1).findFirst().orElseThrow().endsWith(" 0.0"), "nothing answers in a nanosecond: " + tight.out());
            Run together = run("load", "--url", url, "--model", "tiny", "--model", "tiny", "--rate", "30", "--together",
                    "--duration", "1s", "--json");
            assertEquals(0, together.code(), together.err());
            assertTrue(together.out().contains("\"mode\" : \"open-loop-together\""), together.out());
            java.util.List<String> sent = java.util.regex.Pattern.compile("\"sent\" : (\\d+)").matcher(together.out()).results()
                    .map(m -> m.group(1)).toList();
            assertEquals(2, sent.size(), together.out());
            assertEquals(sent.get(0), sent.get(1), "every arrival goes to both models");
            assertTrue(Integer.parseInt(sent.get(0)) > 5, together.out());
        }
    }

    @Test
    void badOptionsAreOneLineErrors(@TempDir Path dir) {
        String both = error(run("load", "--model", "m", "--rate", "1", "--concurrency", "1"));
        assertTrue(both.startsWith("cotenant: error: give exactly one of --rate"), both);
        String policy = error(run("serve", "--repo", dir.toString(), "--policy", "fastest"));
        assertTrue(policy.contains("--policy fastest: expected gacer (the regulator, also accepted as regulated) or multistream"), policy);
        String notServing = error(run("serve", "--repo", dir.toString(), "--policy", "sequential"));
        assertTrue(notServing.contains("--policy sequential: does not serve requests; expected gacer (the regulator, also accepted as regulated) or multistream"),
                notServing);
        for (String accepted : new String[] {"gacer", "regulated", "multistream"}) {
            // past the policy, the next check refuses the missing repository: the name was taken
            String later = error(run("serve", "--repo", dir.resolve("nope").toString(), "--policy", accepted, "--http-port", "0", "--grpc-port", "-1"));
            assertTrue(later.contains("is not a folder"), accepted + ": " + later);
        }
        String cpuOutputs = error(run("serve", "--repo", dir.toString(), "--sim-outputs", "none"));
        assertTrue(cpuOutputs.contains("--device cpu: --sim-outputs applies only to --device sim:GPU"), cpuOutputs);
        String gpu = error(run("serve", "--repo", dir.toString(), "--device", "sim:b300"));
        assertTrue(gpu.startsWith("cotenant: error: --device 'sim:b300': no GPU named 'b300'"), gpu);
        assertEquals(1, gpu.strip().lines().count(), gpu);
        String device = error(run("serve", "--repo", dir.toString(), "--device", "gpu0"));
        assertTrue(device.contains("--device 'gpu0': expected cpu or sim:GPU"), device);
        String outputs = error(run("serve", "--repo", dir.toString(), "--device", "sim:h200", "--sim-outputs", "fake"));
        assertTrue(outputs.contains("--sim-outputs 'fake': expected real"), outputs);
        String apart = error(run("load", "--url", "http://127.0.0.1:9", "--model", "a", "--model", "b", "--rate", "1,2", "--together"));
        assertTrue(apart.startsWith("cotenant: error: --together sends every model's requests at one rate"), apart);
        String budget = error(run("serve", "--repo", dir.toString(), "--search-budget", "-1"));
        assertTrue(budget.startsWith("cotenant: error: --search-budget -1.0: expected 0 or more seconds"), budget);
        String warmup = error(run("serve", "--repo", dir.toString(), "--warmup-runs", "-2"));
        assertTrue(warmup.startsWith("cotenant: error: --warmup-runs -2: expected 0 or more"), warmup);
        String missing = error(run("serve", "--repo", dir.resolve("nope").toString(), "--http-port", "0", "--grpc-port", "-1"));
        assertTrue(missing.contains("is not a folder"), missing);
        String slo = error(run("load", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "1", "--slo-ms", "m"));
        assertTrue(slo.startsWith("cotenant: error: --slo-ms 'm': expected NAME=MS"), slo);
        String other = error(run("load", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "1", "--slo-ms", "n=5"));
        assertTrue(other.startsWith("cotenant: error: --slo-ms names model 'n', which is not one of the --model values [m]"), other);
        String negative = error(run("load", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "1", "--slo-ms", "m=-5"));
        assertTrue(negative.startsWith("cotenant: error: --slo-ms for 'm' must be a positive number"), negative);
        String unknown = error(run("load", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "1", "--duration", "1s"));
        assertTrue(unknown.startsWith("cotenant: error: cannot reach"), unknown);
    }

    /** Asserts that {@code r} failed with exit code 1 and returns its error output. */
    private static String error(Run r) {
        assertEquals(1, r.code(), r.err());
        return r.err();
    }
}
