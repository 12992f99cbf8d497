package dev.cotenant.cli;

import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.CoLocation;
import dev.cotenant.sched.CpuDevice;
import dev.cotenant.sched.HtmlReport;
import dev.cotenant.sched.Schedule;
import dev.cotenant.sched.Trace;
import dev.cotenant.sched.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "corun", description = "Runs several models at once on one device under each scheduling policy and compares them.")
final class CorunCommand implements Callable<Integer> {

    @Option(names = "--tenants", required = true, paramLabel = "LIST",
            description = "Models to co-locate: NAME|FILE.onnx[:BATCH][:slo=MS][:prio=N], comma-separated.")
    String tenants;

    @Option(names = "--device", defaultValue = "cpu", description = "Device (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--policies", defaultValue = "all", description = "Policies, comma-separated, or all (default ${DEFAULT-VALUE}).")
    String policies;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per policy, after one warm-up (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--budget", defaultValue = "30", description = "Seconds for the whole gacer regulation: sampling, search, finalists and confirmation (default ${DEFAULT-VALUE}; profiling is extra).")
    double budget;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights, inputs and the search (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--schedule", paramLabel = "FILE", description = "Also replay this schedule (text form), as policy 'schedule'.")
    Path schedule;

    @Option(names = "--json", description = "Print the comparison as JSON.")
    boolean json;

    @Option(names = "--trace", paramLabel = "FILE.json", description = "Write a Chrome/Perfetto trace of the median round of each policy.")
    Path trace;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write a self-contained HTML report.")
    Path report;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        CpuDevice dev = device(device);
        if (rounds < 1) {
            throw new ModelException("--rounds must be at least 1");
        }
        if (!(budget > 0)) {
            throw new ModelException("--budget must be a positive number of seconds");
        }
        Workload w = Workload.parse(tenants);
        List<String> names = CoLocation.policies(policies);
        Optional<Schedule> replay = Optional.empty();
        if (schedule != null) {
            if (!Files.isRegularFile(schedule)) {
                throw new ModelException("--schedule: no such file " + schedule);
            }
            replay = Optional.of(Schedule.parse(Files.readString(schedule)));
        }
        CoLocation.Report r;
        try (PhaseProgress progress = new PhaseProgress()) {
            r = CoLocation.compare(w, dev, names, replay,
                    new CoLocation.Options(rounds, budget, 2_000_000, seed, 3, progress));
        }
        if (json) {
            o.println(Comparison.json(r));
        } else {
            Comparison.table(r, o);
        }
        if (trace != null) {
            Trace.write(r, trace);
            if (!json) {
                o.println("trace: " + trace);
            }
        }
        if (report != null) {
            HtmlReport.write(r, report);
            if (!json) {
                o.println("report: " + report);
            }
        }
        return 0;
    }

    static CpuDevice device(String name) {
        if (!name.equals("cpu")) {
            throw new ModelException("--device '" + name + "' is not available; this build has: cpu");
        }
        return CpuDevice.host();
    }
}
