package dev.cotenant.cli.colocate;

import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.PhaseProgress;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.compare.CoLocation;
import dev.cotenant.sched.policy.Gacer;
import dev.cotenant.sched.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", description = "Searches the gacer schedule for a workload and writes its text form (replay it with corun --schedule).")
public final class PlanCommand implements Callable<Integer> {

    @Option(names = "--tenants", required = true, paramLabel = "LIST",
            description = "Models to co-locate: NAME|FILE.onnx[:BATCH][:slo=MS][:prio=N], comma-separated.")
    String tenants;

    @Option(names = "--device", defaultValue = "cpu", description = "Device (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--budget", defaultValue = "30", description = "Seconds for the whole gacer regulation: sampling, search, finalists and confirmation (default ${DEFAULT-VALUE}; profiling is extra).")
    double budget;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights, inputs and the search (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the schedule here instead of to standard output.")
    Path out;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(budget > 0)) {
            throw new ModelException("--budget must be a positive number of seconds");
        }
        Workload w = Workload.parse(tenants);
        Gacer.Outcome g;
        try (PhaseProgress progress = new PhaseProgress()) {
            g = CoLocation.plan(w, CorunCommand.device(device),
                    new CoLocation.Options(1, budget, 2_000_000, seed, 3, progress));
        }
        String text = "# gacer schedule for " + w + "\n" + g.schedule().text();
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, text);
            o.println("wrote " + out);
        } else {
            o.print(text);
        }
        for (String line : g.log()) {
            err.println("gacer " + line);
        }
        return 0;
    }
}
