package dev.cotenant.cli.colocate;

import dev.cotenant.bench.peer.OnnxRuntimePeer;
import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.Library;
import dev.cotenant.cli.common.MachineFacts;
import dev.cotenant.cli.common.PhaseProgress;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.compare.CoLocation;
import dev.cotenant.sched.compare.HtmlReport;
import dev.cotenant.sched.compare.Peer;
import dev.cotenant.sched.compare.Trace;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.schedule.Schedule;
import dev.cotenant.sched.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "corun", description = "Runs several models at once on one device under each scheduling policy and compares them.")
public final class CorunCommand implements Callable<Integer> {

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
        Asked asked = asked(policies, dev, w.tenants().size(), spec.commandLine().getErr());
        List<Policy> chosen = new ArrayList<>(asked.policies());
        if (schedule != null) {
            if (!Files.isRegularFile(schedule)) {
                throw new ModelException("--schedule: no such file " + schedule);
            }
            chosen.add(new Policy.Given(Schedule.parse(Files.readString(schedule))));
        }
        CoLocation.Report r;
        try (PhaseProgress progress = new PhaseProgress()) {
            r = CoLocation.compare(w, dev, chosen, asked.peer(),
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
            HtmlReport.write(r, MachineFacts.lines("cotenant " + String.join(" ", spec.commandLine().getParseResult().originalArgs())), report);
            if (!json) {
                o.println("report: " + report);
            }
        }
        return 0;
    }

    /** The CPU: co-location is measured on this machine; a simulated GPU is {@code simulate}'s. */
    static CpuDevice device(String name) {
        return switch (Device.parse(name, null)) {
            case CpuDevice c -> c;
            case SimulatedGpu g -> throw new ModelException("--device '" + name + "': corun and plan measure on this machine's CPU; "
                    + "for a simulated GPU use cotenant simulate --gpu " + g.gpu().name().toLowerCase(java.util.Locale.ROOT));
        };
    }

    /** The policies asked for, and whether the peer runs beside them. */
    record Asked(List<Policy> policies, Optional<Peer> peer) {}

    /**
     * Parses {@code --policies}: the scheduler's policies for the CPU, plus {@code onnxruntime} (the
     * peer); {@code all} is every CPU policy and the peer. Without ONNX Runtime (the distribution),
     * naming {@code onnxruntime} is an error, while {@code all} goes on without it after a note on
     * {@code err}: the comparison of Cotenant's own policies is still whole.
     */
    static Asked asked(String spec, CpuDevice device, int tenants, PrintWriter err) {
        List<String> rest = new ArrayList<>();
        boolean named = false;
        boolean all = false;
        for (String part : spec.split(",")) {
            String p = part.strip();
            named |= p.equals("onnxruntime");
            all |= p.equals("all");
            if (!p.equals("onnxruntime")) {
                rest.add(p);
            }
        }
        if (named) {
            Library.ONNX_RUNTIME.require("the onnxruntime policy of corun and demo");
        }
        boolean peer = named || all && Library.ONNX_RUNTIME.present();
        if (all && !peer) {
            err.println("cotenant: note: " + Library.ONNX_RUNTIME.missing() + "; 'all' compares Cotenant's policies without the onnxruntime peer");
            err.flush();
        }
        List<Policy> list = rest.isEmpty() ? List.of() : Policy.parse(String.join(",", rest), device, tenants);
        return new Asked(list, peer ? Optional.of(OnnxRuntimePeer.PEER) : Optional.empty());
    }
}
