package dev.cotenant.cli.colocate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The co-location commands through the real command line, on a small workload. */
class CorunCommandTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void jsonHasTheDocumentedShape(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json");
        Path report = dir.resolve("report.html");
        Result r = run("corun", "--tenants", "bert-tiny:1,bert-tiny:2", "--device", "cpu", "--policies", "sequential,multistream,interleave,gacer",
                "--rounds", "1", "--budget", "2", "--json", "--trace", trace.toString(), "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        String num = "-?[0-9]+(\\.[0-9]+)?";
        String policy = "\\{\"name\":\"[a-z]+\",\"makespan_ms\":" + num + ",\"throughput\":" + num + ",\"speedup_vs_sequential\":" + num
                + ",\"speedup_vs_best_baseline\":" + num + ",\"efficiency\":" + num + "\\}";
        String json = r.out().strip();
        assertTrue(json.matches("\\{\"lower_bound_ms\":" + num + ",\"policies\":\\[" + policy + "(," + policy + ")*\\]\\}"), json);
        for (String name : new String[] {"sequential", "multistream", "interleave", "gacer"}) {
            assertTrue(json.contains("\"name\":\"" + name + "\""), name);
        }
        String t = Files.readString(trace);
        assertTrue(t.contains("\"traceEvents\"") && t.contains("\"ph\":\"X\"") && t.contains("\"busy cores\""), "trace has slices and the counter");
        String html = Files.readString(report);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("Makespan by policy") && html.contains("busy cores")
                && html.contains("<h2>gacer: "), "report has the chart, timelines and utilisation");
        assertTrue(!html.contains("<script") && !html.contains("http"), "the report is self-contained");
    }

    @Test
    void planWritesAScheduleThatCorunReplays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mix.schedule");
        Result p = run("plan", "--tenants", "bert-tiny:1,bert-tiny:1", "--budget", "2", "--out", file.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(Files.readString(file).contains("schedule tenants=2"));
        assertTrue(p.err().contains("held-out error"), p.err());
        Result r = run("corun", "--tenants", "bert-tiny:1,bert-tiny:1", "--policies", "sequential", "--rounds", "1", "--schedule", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("schedule ")), r.out());
    }

    @Test
    void userErrorsGetOneLine(@TempDir Path dir) throws Exception {
        Result r = run("corun", "--tenants", "bert-tiny:1,resnet99:1");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("cotenant: error: tenant 2 'resnet99:1': unknown model 'resnet99'; give a zoo name"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(run("corun", "--tenants", "bert-tiny:1", "--policies", "fastest").err().contains("unknown policy 'fastest'"));
        assertTrue(run("corun", "--tenants", "bert-tiny:1", "--device", "tpu").err().contains("--device 'tpu': expected cpu or sim:GPU"));
        assertTrue(run("corun", "--tenants", "bert-tiny:1", "--device", "sim:h200").err().contains("for a simulated GPU use cotenant simulate --gpu h200"));
        assertTrue(run("corun", "--tenants", "bert-tiny:1", "--policies", "timeslice").err().contains("policy 'timeslice' does not run on cpu"));
        Path bad = dir.resolve("bad.schedule");
        Files.writeString(bad, "schedule tenants=1 streams=1\ntenant 0 bert-tiny:1 ops=3\nstream 0 priority=0\n");
        Result s = run("corun", "--tenants", "bert-tiny:1", "--policies", "sequential", "--schedule", bad.toString());
        assertEquals(1, s.code());
        assertTrue(s.err().contains("schedule tenant 0 is bert-tiny:1 with 3 ops, but the workload's is bert-tiny:1 with"), s.err());
    }
}
