package dev.cotenant.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.cli.Main;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            assertFalse(open.out().contains("\"frames\""), "frames only in together mode: " + open.out());
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
                    "--duration", "1s", "--frame-deadline-ms", "60000", "--json");
            assertEquals(0, together.code(), together.err());
            assertTrue(together.out().contains("\"mode\" : \"open-loop-together\""), together.out());
            java.util.List<String> sent = java.util.regex.Pattern.compile("\"sent\" : (\\d+)").matcher(together.out()).results()
                    .map(m -> m.group(1)).toList();
            assertEquals(3, sent.size(), "two models, then the frames: " + together.out());
            assertEquals(sent.get(0), sent.get(1), "every arrival goes to both models");
            assertEquals(sent.get(0), sent.get(2), "every arrival is one frame");
            assertTrue(Integer.parseInt(sent.get(0)) > 5, together.out());
            int complete = Integer.parseInt(field(together.out(), "complete"));
            assertTrue(complete > 0 && complete <= Integer.parseInt(sent.get(2)), together.out());
            assertEquals(String.valueOf(complete), field(together.out(), "withinDeadline"), "a minute's bound misses no complete frame");
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
        String cpuRuntime = error(run("serve", "--repo", dir.toString(), "--runtime", "eager"));
        assertTrue(cpuRuntime.contains("--device cpu: --runtime applies only to --device sim:GPU"), cpuRuntime);
        String runtime = error(run("serve", "--repo", dir.toString(), "--device", "sim:h200", "--runtime", "fastest"));
        assertTrue(runtime.startsWith("cotenant: error: --runtime fastest: "), runtime);
        String cpuMps = error(run("serve", "--repo", dir.toString(), "--policy", "mps"));
        assertTrue(cpuMps.contains("--policy mps: ") && cpuMps.contains("on a simulated GPU mps"), cpuMps);
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
        assertEquals("cotenant: error: cannot reach http://127.0.0.1:9: connection refused (is `cotenant serve` running there?)", unknown.strip());
        String grpc = error(run("load", "--protocol", "grpc", "--url", "127.0.0.1:9", "--model", "m", "--rate", "1", "--duration", "1s"));
        assertTrue(grpc.startsWith("cotenant: error: cannot reach 127.0.0.1:9 over gRPC: connection refused"), grpc);
        assertEquals(1, grpc.strip().lines().count(), grpc);
        String grpcUrl = error(run("load", "--protocol", "grpc", "--url", "http://127.0.0.1:8001", "--model", "m", "--rate", "1"));
        assertTrue(grpcUrl.contains("gRPC needs HOST:PORT of the server's gRPC port"), grpcUrl);
        String protocol = error(run("load", "--protocol", "udp", "--model", "m", "--rate", "1"));
        assertTrue(protocol.contains("--protocol 'udp': expected rest or grpc"), protocol);
        String rate = error(run("load", "--model", "m", "--rate", "fast"));
        assertTrue(rate.contains("--rate 'fast': expected requests per second"), rate);
        String sweep = error(run("load", "--model", "a", "--model", "b", "--rate", "1,2,3", "--rate", "4"));
        assertTrue(sweep.contains("has 3 values for 2 models"), sweep);
        String formats = error(run("load", "--model", "m", "--rate", "1", "--json", "--csv"));
        assertTrue(formats.contains("at most one of --json and --csv"), formats);
        String deadlineAlone = error(run("load", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "1", "--frame-deadline-ms", "150"));
        assertEquals("cotenant: error: --frame-deadline-ms judges frames, which only --together sends: add --together or drop --frame-deadline-ms",
                deadlineAlone.strip());
        for (String bad : new String[] {"0", "-5"}) {
            String deadline = error(run("load", "--url", "http://127.0.0.1:9", "--model", "a", "--model", "b", "--rate", "1", "--together",
                    "--frame-deadline-ms", bad));
            assertTrue(deadline.startsWith("cotenant: error: --frame-deadline-ms must be a positive number of milliseconds, not " + bad), deadline);
        }
        for (String[] bad : new String[][] {{"--log-format", "xml", "--log-format 'xml': expected text or json"},
                {"--log-level", "loud", "--log-level 'loud': expected error, warn, info, debug or trace"},
                {"--model-control", "poll", "--model-control 'poll': expected none or explicit"},
                {"--drain-timeout", "soon", "--drain-timeout 'soon': expected a time"},
                {"--tls-cert", dir.resolve("c.pem").toString(), "--tls-cert needs --tls-key"},
                {"--auth-token-file", dir.resolve("none").toString(), "--auth-token-file " + dir.resolve("none") + ": cannot read"}}) {
            String e = error(run("serve", "--repo", dir.toString(), bad[0], bad[1], "--http-port", "0", "--grpc-port", "-1"));
            assertTrue(e.contains(bad[2]), bad[0] + ": " + e);
        }
    }

    @Test
    void rateSweepsOverGrpcAndRestAsCsvAndTable(@TempDir Path dir) throws Exception {
        assertEquals(0, run("repo", dir.toString(), "--zoo", "tiny").code());
        try (Server s = Server.start(ServerOptions.defaults(dir).withPorts(0, 0).withCores(2))) {
            Run csv = run("load", "--protocol", "grpc", "--url", "127.0.0.1:" + s.grpcPort(), "--model", "tiny", "--rate", "20,40",
                    "--duration", "1s", "--csv");
            assertEquals(0, csv.code(), csv.err());
            List<String> lines = csv.out().lines().toList();
            assertEquals(3, lines.size(), csv.out());
            assertTrue(lines.get(0).startsWith("protocol,mode,rate,concurrency,model,sent,ok,rejected,errors,lost,throughput,p50_ms"), lines.get(0));
            assertTrue(lines.get(1).startsWith("grpc,open-loop,20,0,tiny,"), lines.get(1));
            assertTrue(lines.get(2).startsWith("grpc,open-loop,40,0,tiny,"), lines.get(2));
            for (String row : lines.subList(1, 3)) {
                String[] f = row.split(",", -1);
                assertTrue(Long.parseLong(f[6]) > 0 && f[8].equals("0") && f[9].equals("0"), "answered, no errors, none lost: " + row);
            }
            String url = "http://127.0.0.1:" + s.httpPort();
            Run table = run("load", "--url", url, "--model", "tiny", "--rate", "10", "--rate", "30", "--duration", "1s");
            assertEquals(0, table.code(), table.err());
            assertTrue(table.out().startsWith("  rate/s model"), table.out());
            assertTrue(table.out().contains("\n      10 tiny") && table.out().contains("\n      30 tiny"), table.out());
            Run json = run("load", "--url", url, "--model", "tiny", "--rate", "10,20,40", "--duration", "1s", "--json");
            assertEquals(0, json.code(), json.err());
            assertEquals(3, java.util.regex.Pattern.compile("\"mode\" : \"open-loop\"").matcher(json.out()).results().count(), json.out());
            assertTrue(json.out().startsWith("{\n  \"sweep\" : ["), json.out());
            Run closed = run("load", "--protocol", "grpc", "--url", "127.0.0.1:" + s.grpcPort(), "--model", "tiny", "--concurrency", "2",
                    "--duration", "1s", "--json");
            assertEquals(0, closed.code(), closed.err());
            assertTrue(closed.out().contains("\"protocol\" : \"grpc\"") && closed.out().contains("\"mode\" : \"closed-loop\""), closed.out());
        }
    }

    @Test
    void theRateListRules() {
        assertEquals(List.of(List.of(10.0)), LoadCommand.steps(List.of("10"), 1));
        assertEquals(List.of(List.of(10.0), List.of(20.0), List.of(40.0)), LoadCommand.steps(List.of("10,20,40"), 1));
        assertEquals(List.of(List.of(5.0, 50.0)), LoadCommand.steps(List.of("5,50"), 2), "one rate per model, as before");
        assertEquals(List.of(List.of(1.0, 1.0), List.of(2.0, 2.0), List.of(3.0, 3.0)), LoadCommand.steps(List.of("1,2,3"), 2));
        assertEquals(List.of(List.of(5.0, 50.0), List.of(10.0, 10.0)), LoadCommand.steps(List.of("5,50", "10"), 2));
    }

    /** The number after the first {@code "name" :} in a JSON document. */
    private static String field(String json, String name) {
        return java.util.regex.Pattern.compile("\"" + name + "\" : (\\d+)").matcher(json).results().findFirst().orElseThrow().group(1);
    }

    /** Asserts that {@code r} failed with exit code 1 and returns its error output. */
    private static String error(Run r) {
        assertEquals(1, r.code(), r.err());
        return r.err();
    }
}
