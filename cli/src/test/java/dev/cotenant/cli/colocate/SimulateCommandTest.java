package dev.cotenant.cli.colocate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void printsEveryPolicyInTheCorunJsonShape() {
        Outcome o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1,resnet18:1", "--policies", "all", "--json",
                "--max-evaluations", "200");
        assertEquals(0, o.code(), o.err());
        String json = o.out().strip();
        assertTrue(json.startsWith("{\"lower_bound_ms\":"), json);
        for (String name : new String[] {"sequential", "multistream", "multistream-1host", "timeslice", "mps:50,50", "mig:3g,3g", "interleave",
            "gacer", "gacer-1host"}) {
            assertTrue(json.contains("{\"name\":\"" + name + "\",\"makespan_ms\":"), name + " missing in " + json);
        }
        Matcher m = Pattern.compile("\"name\":\"sequential\",\"makespan_ms\":[0-9.]+,\"throughput\":[0-9.]+,"
                + "\"speedup_vs_sequential\":1\\.0000,\"speedup_vs_best_baseline\":[0-9.]+,\"efficiency\":0\\.[0-9]+").matcher(json);
        assertTrue(m.find(), json);
    }

    @Test
    void printsATableWithTheLowerBound() {
        Outcome o = run("simulate", "--gpu", "l4", "--tenants", "bert-tiny:2", "--policies", "sequential,mps:50", "--precision", "tf32");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("L4 (58 SMs"), o.out());
        assertTrue(o.out().contains("mps:50"), o.out());
        assertTrue(o.out().contains("lower bound"), o.out());
    }

    @Test
    void writesATraceWithAProcessPerPolicy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path f = dir.resolve("t.json");
        Outcome o = run("simulate", "--gpu", "h100", "--tenants", "bert-tiny:1,bert-tiny:2", "--policies", "sequential,multistream",
                "--trace", f.toString());
        assertEquals(0, o.code(), o.err());
        String t = java.nio.file.Files.readString(f);
        assertTrue(t.startsWith("{\"traceEvents\":[{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":\"sequential\"}}"), t.substring(0, 200));
        assertTrue(t.contains("\"args\":{\"name\":\"multistream\"}"));
        assertTrue(t.contains("\"ph\":\"X\",\"name\":\"bert-tiny:2/"));
        assertTrue(t.endsWith("]}") || t.endsWith("\"ns\"}"));
    }

    @Test
    void gacerAndInterleaveRunBesideTheMechanismsWithTraceAndReport(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path trace = dir.resolve("t.json");
        java.nio.file.Path report = dir.resolve("sub/r.html");
        Outcome o = run("simulate", "--gpu", "h200", "--tenants", "bert-tiny:1,bert-tiny:4", "--policies",
                "sequential,multistream,interleave,gacer", "--budget", "5", "--max-evaluations", "120", "--json",
                "--trace", trace.toString(), "--report", report.toString());
        assertEquals(0, o.code(), o.err());
        String json = o.out().strip();
        for (String name : new String[] {"sequential", "multistream", "interleave", "gacer"}) {
            assertTrue(json.contains("{\"name\":\"" + name + "\",\"makespan_ms\":"), name + " missing in " + json);
        }
        // Best baseline here is the better of sequential and multistream; gacer evaluated both, so it is never slower.
        Matcher m = Pattern.compile("\"name\":\"gacer\",\"makespan_ms\":[0-9.]+,\"throughput\":[0-9.]+,\"speedup_vs_sequential\":([0-9.]+),"
                + "\"speedup_vs_best_baseline\":([0-9.]+)").matcher(json);
        assertTrue(m.find(), json);
        assertTrue(Double.parseDouble(m.group(1)) >= 1.0 && Double.parseDouble(m.group(2)) >= 1.0, json);
        assertTrue(java.nio.file.Files.readString(trace).contains("\"args\":{\"name\":\"gacer\"}"));
        String html = java.nio.file.Files.readString(report);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<svg") && html.contains("<h2>gacer</h2>"), html.substring(0, 300));
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1,bert-tiny:2", "--policies", "gacer-1host,multistream-1host",
                "--budget", "5", "--max-evaluations", "60");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("gacer-1host search: ") && o.out().contains("gacer-1host chosen: "), o.out());
    }

    @Test
    void badInputGetsOneLine() {
        Outcome o = run("simulate", "--gpu", "b300", "--tenants", "bert-tiny:1");
        assertEquals(1, o.code());
        assertTrue(o.err().startsWith("cotenant: error: no GPU named 'b300'"), o.err());
        o = run("simulate", "--gpu", "v100", "--tenants", "bert-tiny:1", "--policies", "mig:7g");
        assertEquals(1, o.code());
        assertTrue(o.err().startsWith("cotenant: error: V100 has no MIG"), o.err());
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1", "--policies", "fair");
        assertEquals(1, o.code());
        assertTrue(o.err().startsWith("cotenant: error: unknown policy 'fair'"), o.err());
        assertTrue(o.err().contains("gacer"), o.err());
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1", "--policies", "gacer", "--budget", "0");
        assertTrue(o.err().startsWith("cotenant: error: --budget must be a positive number"), o.err());
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1", "--policies", "sequential", "--schedule", "/no/such.txt");
        assertTrue(o.err().startsWith("cotenant: error: --schedule: no such file /no/such.txt"), o.err());
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1,resnet99:2", "--policies", "sequential");
        assertTrue(o.err().startsWith("cotenant: error: tenant 2 'resnet99:2': unknown model 'resnet99'"), o.err());
    }

    @Test
    void runtimesProcessesAndQueuesAreOptionsWithOneLineErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Outcome o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1,resnet18:1", "--policies", "sequential,multistream,mps",
                "--runtime", "eager", "--work-queues", "4", "--interference", "on");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("eager runtime, 4 work queues a process, interference on"), o.out());
        assertTrue(o.out().contains("\nmps "), o.out());
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1", "--runtime", "jit");
        assertEquals(1, o.code());
        assertTrue(o.err().startsWith("cotenant: error: --runtime: no runtime named 'jit' (built in: native, graph, eager)"), o.err());
        java.nio.file.Path bad = dir.resolve("bad.runtime");
        try (java.io.InputStream in = dev.cotenant.gpusim.hardware.HostRuntime.class.getResourceAsStream("runtimes/native.runtime")) {
            String sheet = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            java.nio.file.Files.writeString(bad, sheet.replace("dispatch_us = 0", "dispatch_us = soon"));
        }
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1", "--runtime", bad.toString());
        assertTrue(o.err().startsWith("cotenant: error: --runtime: " + bad + " line ")
                && o.err().contains(": field 'dispatch_us' must be a number, got 'soon'"), o.err());
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1", "--work-queues", "33");
        assertTrue(o.err().startsWith("cotenant: error: --work-queues: work queues per process (CUDA_DEVICE_MAX_CONNECTIONS) go from 1 to 32"),
                o.err());
        o = run("simulate", "--gpu", "a100", "--tenants", "bert-tiny:1", "--interference", "yes");
        assertTrue(o.err().startsWith("cotenant: error: --interference: expected on or off, got 'yes'"), o.err());
    }

    @Test
    void validatePrintsBothTablesAndAJsonObjectForEach() {
        Outcome o = run("simulate", "--validate", "--json");
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().strip().split("\n");
        assertEquals(2, lines.length, o.out());
        assertTrue(lines[0].startsWith("{\"table\":\"single-model\",\"rows\":[{\"name\":\"bert-base A100 FP16 b1\",\"source\":"), lines[0]);
        assertTrue(lines[1].startsWith("{\"table\":\"co-location\",\"rows\":[{\"name\":"), lines[1]);
        for (String l : lines) {
            assertTrue(l.matches(".*\"published\":[0-9.]+,\"predicted\":[0-9.]+,\"error\":-?[0-9.]+}.*],\"mape\":[0-9.]+}"), l);
        }
    }
}
