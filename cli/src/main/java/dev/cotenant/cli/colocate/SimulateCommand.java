package dev.cotenant.cli.colocate;

import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.PhaseProgress;
import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Validation;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.compare.CoLocationValidation;
import dev.cotenant.sched.compare.GpuComparison;
import dev.cotenant.sched.compare.SimulationReport;
import dev.cotenant.sched.compare.SimulatorJson;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.GpuGacer;
import dev.cotenant.sched.policy.Policies;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.Tenant;
import dev.cotenant.sched.workload.Workload;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", description = "Runs zoo models together on a simulated GPU under sharing mechanisms; "
        + "prints makespan, throughput and speedups against sequential.")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--gpu", paramLabel = "NAME|FILE", defaultValue = "h200",
            description = "v100, a100, h100, h200, l4, t4, or a device sheet file (default ${DEFAULT-VALUE}).")
    String gpu;

    @Option(names = "--tenants", paramLabel = "MODEL:BATCH[:prio=N],...",
            description = "Zoo models and batch sizes, e.g. resnet50:8,bert-base:1:prio=1 (prio: higher runs first under the scheduler's policies).")
    String tenants;

    @Option(names = "--policies", paramLabel = "LIST", defaultValue = "sequential,multistream,timeslice",
            description = "sequential, multistream, multistream-1host, interleave, gacer, gacer-1host, timeslice, mps (a process "
                    + "per tenant under MPS), mps:P1,P2,... (capped), mig:3g,2g,..., or all (default ${DEFAULT-VALUE}).")
    String policies;

    @Option(names = "--budget", paramLabel = "SECONDS", defaultValue = "60",
            description = "Wall time for each gacer search (default ${DEFAULT-VALUE}).")
    double budget;

    @Option(names = "--max-evaluations", paramLabel = "N", defaultValue = "4000",
            description = "Schedules each gacer search simulates at most (default ${DEFAULT-VALUE}).")
    int maxEvaluations;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the gacer search (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--precision", paramLabel = "fp32|tf32|fp16", defaultValue = "fp16", description = "Default ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1", description = "Inferences each tenant runs (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write every policy's run as a Chrome/Perfetto trace (JSON).")
    java.nio.file.Path trace;

    @Option(names = "--schedule", paramLabel = "FILE",
            description = "Also simulate this schedule (text form, as `plan` writes it, for the same tenants), as policy 'schedule'.")
    java.nio.file.Path schedule;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write a self-contained HTML report of every policy's run.")
    java.nio.file.Path report;

    @Option(names = "--validate", description = "Print the simulator against published figures, and exit: single models, "
            + "then co-located models (with --json, one object per table).")
    boolean validate;

    @Option(names = "--runtime", paramLabel = "native|graph|eager|FILE", defaultValue = "native",
            description = "The host software feeding the GPU: a C++ engine (native), CUDA graphs (graph), a framework dispatching "
                    + "each operator from Python (eager), or a runtime sheet file (default ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--work-queues", paramLabel = "N", defaultValue = "8",
            description = "Hardware work queues per process, CUDA_DEVICE_MAX_CONNECTIONS (1 to 32, default ${DEFAULT-VALUE}); "
                    + "a process's streams beyond it share queues and wait for each other.")
    int workQueues;

    @Option(names = "--interference", paramLabel = "on|off", defaultValue = "off",
            description = "Co-running kernels slow each other through L2 and DRAM as the device sheet says (on), or only share "
                    + "the bandwidth (off, default; the model earlier results were computed with).")
    String interference;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        if (validate) {
            validate(o);
            return 0;
        }
        if (tenants == null) {
            throw new ModelException("--tenants is required, e.g. --tenants resnet50:8,bert-base:1");
        }
        if (rounds < 1) {
            throw new ModelException("--rounds must be at least 1");
        }
        if (!(budget > 0) || maxEvaluations < 1) {
            throw new ModelException("--budget must be a positive number of seconds and --max-evaluations at least 1");
        }
        Gpu device = Gpu.load(gpu);
        Precision p = Precision.parse(precision);
        Sharing.Host host = host();
        SimulatedGpu sim = new SimulatedGpu("sim:" + gpu, device, p);
        List<Tenant> list = Workload.parse(tenants).tenants();
        List<Policy> asked = Policy.parse(policies, sim, list.size());
        List<LoweredModel> lowered = sim.lower(new Workload(list), host.runtime());
        Policies resolved;
        try (PhaseProgress progress = new PhaseProgress()) {
            resolved = Policies.resolve(asked, lowered, list.stream().map(Tenant::priority).toList(), device, rounds, host,
                    new GpuGacer.Settings(seed, budget, maxEvaluations), progress);
        }
        List<SimulatedPolicy> mechanisms = new ArrayList<>(resolved.policies());
        if (schedule != null) {
            if (!java.nio.file.Files.isRegularFile(schedule)) {
                throw new ModelException("--schedule: no such file " + schedule);
            }
            try {
                mechanisms.add(SimulatedPolicy.of(new Policy.Given(Schedule.parse(java.nio.file.Files.readString(schedule)))));
            } catch (java.io.IOException e) {
                throw new ModelException("--schedule: cannot read " + schedule + ": " + e.getMessage());
            }
        }
        GpuComparison c = GpuComparison.run(device, lowered, list.stream().map(Tenant::batch).toList(), mechanisms, rounds, host);
        write(trace, "trace", () -> c.chromeTrace());
        write(report, "report", () -> SimulationReport.html(device, p, lowered, rounds, c, resolved.gacer()));
        if (json) {
            o.println(c.json());
        } else {
            int kernels = lowered.stream().mapToInt(m -> m.kernels().size()).sum();
            o.printf(Locale.ROOT, "%s (%d SMs, %.0f GB/s), %s, %s, %d round%s%s%n", device.name(), device.sms(), device.dramGbps(),
                    p, String.join(" ", list.stream().map(Tenant::label).toList()), rounds, rounds == 1 ? "" : "s", describe(host));
            o.print(c.table());
            o.printf(Locale.ROOT, "%d kernels a round; simulated in %.0f ms%n", kernels, c.wallMs());
            for (GpuGacer.Outcome g : resolved.gacer()) {
                for (String line : g.log()) {
                    o.println(g.name() + " " + line);
                }
            }
        }
        o.flush();
        return 0;
    }

    /** The host side every policy runs with, from --runtime, --work-queues and --interference. */
    private Sharing.Host host() {
        HostRuntime r;
        try {
            r = HostRuntime.load(runtime);
        } catch (ModelException e) {
            throw new ModelException("--runtime: " + e.getMessage());
        }
        boolean on = switch (interference) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new ModelException("--interference: expected on or off, got '" + interference + "'");
        };
        try {
            return new Sharing.Host(r, workQueues, on);
        } catch (ModelException e) {
            throw new ModelException("--work-queues: " + e.getMessage());
        }
    }

    /** What differs from the default host side, for the heading ("" when nothing does). */
    private static String describe(Sharing.Host h) {
        if (h.equals(Sharing.Host.DEFAULT)) {
            return "";
        }
        return String.format(Locale.ROOT, ", %s runtime, %d work queues a process, interference %s", h.runtime().name(), h.workQueues(),
                h.interference() ? "on" : "off");
    }

    /** Both validation tables: single models against published latencies, co-runs against published ratios. */
    private void validate(PrintWriter o) {
        List<Validation.Row> single = Validation.simulate(Validation.all());
        List<CoLocationValidation.Row> corun = CoLocationValidation.simulate(CoLocationValidation.figures());
        if (json) {
            o.println(SimulatorJson.singleModelValidation(single));
            o.println(SimulatorJson.coLocationValidation(corun));
        } else {
            o.println("Single models against published latencies:");
            o.print(Validation.table(single));
            o.println();
            o.println("Co-located models against published co-runs (throughput ratios; each row under its runtime and mechanism, "
                    + "interference on):");
            o.print(CoLocationValidation.table(corun));
        }
        o.flush();
    }

    private static void write(java.nio.file.Path file, String what, java.util.function.Supplier<String> text) {
        if (file == null) {
            return;
        }
        try {
            java.nio.file.Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            java.nio.file.Files.writeString(file, text.get());
        } catch (java.io.IOException e) {
            throw new ModelException("cannot write " + what + " " + file + ": " + e.getMessage());
        }
    }
}
