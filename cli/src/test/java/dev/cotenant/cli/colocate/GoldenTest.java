package dev.cotenant.cli.colocate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.cli.Main;
import dev.cotenant.sched.policy.Baselines;
import dev.cotenant.sched.schedule.CompactSchedule;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.sched.workload.TenantShape;
import dev.cotenant.sched.workload.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outputs that must not change when the code is reorganised, captured from the build before the
 * co-location layer was cut into packages (src/test/resources/golden): the simulator's figures for
 * fixed seeds and evaluation counts (every policy, three GPUs, a trace), and the text of every
 * baseline schedule for three mixes at two core counts. A change that alters one of these changes
 * behaviour, and has to say so by regenerating the file in its own commit.
 */
class GoldenTest {

    private static String golden(String name) throws IOException {
        try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("golden file missing from the test resources: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String cotenant(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(0, code, () -> String.join(" ", args) + ": " + err);
        return out.toString();
    }

    @Test
    void simulateH200EveryPolicy() throws IOException {
        assertEquals(golden("sim-h200.json"), cotenant("simulate", "--gpu", "h200", "--tenants", "resnet50:8,bert-base:1,mobilenetv2:4",
                "--policies", "all", "--budget", "600", "--max-evaluations", "300", "--seed", "3", "--json"));
    }

    @Test
    void simulateA100Fp32TwoRoundsWithPriority() throws IOException {
        assertEquals(golden("sim-a100.json"), cotenant("simulate", "--gpu", "a100", "--precision", "fp32", "--rounds", "2",
                "--tenants", "bert-tiny:1,resnet18:2:prio=1", "--policies",
                "sequential,multistream,multistream-1host,interleave,gacer,gacer-1host,timeslice", "--budget", "600",
                "--max-evaluations", "200", "--json"));
    }

    @Test
    void simulateL4WithTrace(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("trace.json");
        assertEquals(golden("sim-l4.json"), cotenant("simulate", "--gpu", "l4", "--tenants", "yolov4-tiny:1,unet:1,resnet18:1",
                "--policies", "sequential,gacer", "--budget", "600", "--max-evaluations", "150", "--trace", trace.toString(), "--json"));
        assertEquals(golden("sim-l4-trace.json"), Files.readString(trace));
    }

    @Test
    void simulateH100MpsAndMig() throws IOException {
        assertEquals(golden("sim-h100-mps.json"), cotenant("simulate", "--gpu", "h100", "--tenants", "resnet50:4,vgg16:1",
                "--policies", "sequential,mps:60,40,mig:3g,4g", "--json"));
    }

    private static final String[] MIXES = {"resnet18:1,mobilenetv2:1,bert-tiny:1", "bert-tiny:2,mobilenetv2:1",
            "yolov4-tiny:1,unet:1,resnet18:1:prio=1"};

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void baselineSchedulesPrintTheSameText(int mix) throws IOException {
        Workload w = Workload.parse(MIXES[mix]);
        List<TenantShape> shapes = TenantPlan.load(w, 1).stream().map(TenantShape::of).toList();
        List<Schedule.Member> members = shapes.stream().map(s -> new Schedule.Member(s.name(), s.ops())).toList();
        List<BiFunction<List<TenantShape>, Integer, CompactSchedule>> policies =
                List.of(Baselines::sequential, Baselines::multistream, Baselines::interleave);
        List<String> names = List.of("sequential", "multistream", "interleave");
        for (int cores : new int[] {2, 4}) {
            for (int p = 0; p < policies.size(); p++) {
                String file = "schedules/mix" + mix + "-c" + cores + "-" + names.get(p) + ".txt";
                Schedule s = policies.get(p).apply(shapes, cores).compile(members);
                assertEquals(golden(file), s.text(), file);
                assertEquals(s, Schedule.parse(golden(file)), file + " parses back to the same schedule");
            }
        }
    }
}
