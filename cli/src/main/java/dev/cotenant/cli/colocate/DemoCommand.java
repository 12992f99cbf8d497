package dev.cotenant.cli.colocate;

import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.MachineFacts;
import dev.cotenant.cli.common.PhaseProgress;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.compare.CoLocation;
import dev.cotenant.sched.compare.HtmlReport;
import dev.cotenant.sched.compare.Trace;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.workload.Workload;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = "Co-locates a default mix of models on this machine's CPU under every policy, "
        + "prints the comparison and writes an HTML report and a trace.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--tenants", defaultValue = "resnet18:1,mobilenetv2:1,bert-tiny:1", paramLabel = "LIST",
            description = "The mix (default ${DEFAULT-VALUE}).")
    String tenants;

    @Option(names = "--budget", defaultValue = "10", description = "Seconds for the whole gacer regulation (default ${DEFAULT-VALUE}; profiling is extra).")
    double budget;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds per policy (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--out", defaultValue = "out/demo", description = "Folder for the report and the trace (default ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (rounds < 1 || !(budget > 0)) {
            throw new ModelException("--rounds must be at least 1 and --budget positive");
        }
        Workload w = Workload.parse(tenants);
        CpuDevice device = CpuDevice.host();
        o.printf("co-locating %s on this machine's CPU (%d cores): profiling, searching for %.0f s, then %d rounds of each policy%n",
                w, device.cores(), budget, rounds);
        o.flush();
        CoLocation.Report r;
        try (PhaseProgress progress = new PhaseProgress()) {
            CorunCommand.Asked all = CorunCommand.asked("all", device, w.tenants().size(), spec.commandLine().getErr());
            r = CoLocation.compare(w, device, all.policies(), all.peer(),
                    new CoLocation.Options(rounds, budget, 2_000_000, 1, 2, progress));
        }
        if (common.verbose) {
            Comparison.table(r, o);
        } else {
            Comparison.brief(r, o);
        }
        Files.createDirectories(out);
        Path report = out.resolve("report.html");
        Path trace = out.resolve("trace.json");
        HtmlReport.write(r, MachineFacts.lines("cotenant " + String.join(" ", spec.commandLine().getParseResult().originalArgs())), report);
        Trace.write(r, trace);
        o.println("report: " + report + " (open in a browser)");
        o.println("trace: " + trace + " (open in ui.perfetto.dev or chrome://tracing)");
        return 0;
    }
}
