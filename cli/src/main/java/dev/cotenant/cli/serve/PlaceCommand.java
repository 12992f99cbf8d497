package dev.cotenant.cli.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.Common;
import dev.cotenant.cli.common.Json;
import dev.cotenant.cli.common.MachineFacts;
import dev.cotenant.cli.common.Progress;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.place.CpuServiceTimes;
import dev.cotenant.sched.place.Demand;
import dev.cotenant.sched.place.DeviceModel;
import dev.cotenant.sched.place.GpuGroups;
import dev.cotenant.sched.place.Placement;
import dev.cotenant.sched.place.Placer;
import dev.cotenant.sched.place.Prediction;
import dev.cotenant.sched.place.ServiceTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "place", description = {
        "Decides how many devices these models need at their request rates and p99 SLOs, and which models share each device: "
                + "the fewest devices on which every model is predicted to meet its SLO, beside two naive placements (one model "
                + "per device; first-fit by average load alone).",
        "Service times are measured here on one thread at batch 1 (--device cpu) or simulated (--device sim:GPU); a device's "
                + "latencies come from a queueing model with the server's admission rule (a predicted wait over half the SLO "
                + "is refused). See docs/ARCHITECTURE.md, \"Placement\"."})
public final class PlaceCommand implements Callable<Integer> {

    @Option(names = "--models", required = true, paramLabel = "M:RATE:SLO,...", description = "Each model with its requests per "
            + "second and its p99 latency SLO in ms, e.g. resnet18:4:300,bert-tiny:30:40 (zoo models).")
    String models;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|sim:GPU", description = "The kind of device: cpu (default; "
            + "a device is --cores cores of a machine like this one) or sim:GPU, a simulated GPU (any built-in sheet).")
    String device;

    @Option(names = "--precision", description = "sim:GPU only: fp16 (default), tf32 or fp32.")
    String precision;

    @Option(names = "--cores", paramLabel = "N", description = "cpu only: cores per device (default: all of this machine's).")
    Integer cores;

    @Option(names = "--max-devices", paramLabel = "K", description = "Refuse a placement that needs more than K devices (default: no limit).")
    Integer maxDevices;

    @Option(names = "--samples", defaultValue = "30", paramLabel = "N", description = "cpu only: timed runs per model after warm-up, taken in three passes over the models so that they spread over time, all counting (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--json", description = "Print {\"devices\":[{\"models\":[...],\"predicted\":{...}}],\"naive\":[{\"name\",\"devices\"}]} instead of a table.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write DIR/device-K/repository (one model repository per device, "
            + "each model's SLO in its config), DIR/device-K/serve.args (the arguments of its `cotenant serve`: on the CPU one batch per core at a time, "
            + "as planned) and DIR/placement.json.")
    Path out;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    /** The flags of each device's `serve` that make it the device the plan predicted. */
    private List<String> serveFlags = List.of();

    @Override
    public Integer call() throws IOException {
        List<Demand> demands = Demand.parseList(models);
        if (samples < 5) {
            throw new ModelException("--samples must be at least 5, not " + samples);
        }
        DeviceModel model = deviceModel(Device.parse(device, precision), demands);
        int cap = maxDevices == null ? Integer.MAX_VALUE : maxDevices;
        if (cap < 1) {
            throw new ModelException("--max-devices must be at least 1, not " + cap);
        }
        List<Demand> replicas = Placer.replicate(demands, model);
        Placement best;
        try (Progress bar = Progress.onTerminal("predicting groups", 1 << Math.min(replicas.size(), 12))) {
            best = Placer.place(replicas, model, cap, i -> bar.step("group " + i));
        }
        List<Placement> naive = List.of(Placer.onePerModel(replicas, model), Placer.firstFitByLoad(replicas, model));
        ObjectNode report = report(model, best, naive);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(Json.write(report));
        } else {
            o.print(table(model, demands, best, naive));
        }
        if (out != null) {
            write(best, report, o);
        }
        o.flush();
        return 0;
    }

    private DeviceModel deviceModel(Device d, List<Demand> demands) {
        return switch (d) {
            case CpuDevice host -> {
                int n = cores == null ? host.cores() : cores;
                if (n < 1) {
                    throw new ModelException("--cores must be at least 1, not " + n);
                }
                List<String> names = demands.stream().map(Demand::model).toList();
                CpuServiceTimes.Measured measured;
                try (Progress bar = Progress.onTerminal("measuring service times", names.size())) {
                    measured = CpuServiceTimes.measure(names, samples, bar::step);
                }
                if (measured.unsteady()) {
                    String m = measured.unsteadiest();
                    spec.commandLine().getErr().printf(Locale.ROOT, "warning: this machine's speed moved while measuring: the passes over "
                            + "%s differed by %.1fx; the service times pool every pass, but a plan here is less certain than its "
                            + "figures (bench/RESULTS.md, \"Placement\")%n", m, measured.passSpread().get(m));
                }
                Map<String, ServiceTime> times = measured.times();
                // The plan's queue is FIFO with one batch per core at a time (M/G/c); the server's
                // default of twice the cores shares each core between two batches, doubling service
                // times past what was measured, so each device is served at one batch per core.
                serveFlags = List.of("--cores", Integer.toString(n), "--concurrency", Integer.toString(n));
                yield new DeviceModel.Cpu(n, times);
            }
            case SimulatedGpu g -> {
                if (cores != null) {
                    throw new ModelException("--cores applies only to --device cpu");
                }
                serveFlags = List.of("--device", device, "--precision", g.precision().name().toLowerCase(Locale.ROOT));
                yield new DeviceModel.Gpu(new GpuGroups(g.gpu(), g.precision()));
            }
        };
    }

    static ObjectNode report(DeviceModel model, Placement best, List<Placement> naive) {
        ObjectNode root = Json.object();
        root.put("device", model.describe());
        root.put("method", best.method());
        root.put("meets_slos", best.meetsSlos());
        ArrayNode devices = root.putArray("devices");
        for (Prediction p : best.devices()) {
            devices.add(device(p));
        }
        ArrayNode others = root.putArray("naive");
        for (Placement n : naive) {
            ObjectNode e = others.addObject().put("name", n.method()).put("devices", n.devices().size()).put("meets_slos", n.meetsSlos());
            ArrayNode groups = e.putArray("placement");
            n.devices().forEach(p -> groups.add(device(p)));
        }
        return root;
    }

    private static ObjectNode device(Prediction p) {
        ObjectNode d = Json.object();
        ArrayNode names = d.putArray("models");
        p.names().forEach(names::add);
        ObjectNode predicted = d.putObject("predicted");
        predicted.put("utilisation", Json.fixed(p.utilisation(), 4));
        ObjectNode each = predicted.putObject("models");
        for (Prediction.Model m : p.models()) {
            each.putObject(m.demand().model()).put("rate", m.demand().rate()).put("slo_ms", m.demand().sloMs())
                    .put("service_p99_ms", Json.fixed(m.serviceP99Ms(), 3)).put("wait_p99_ms", Json.fixed(m.waitP99Ms(), 3))
                    .put("p99_ms", Json.fixed(m.p99Ms(), 3)).put("meets_slo", m.meetsSlo());
        }
        return d;
    }

    private String table(DeviceModel model, List<Demand> demands, Placement best, List<Placement> naive) {
        StringBuilder b = new StringBuilder();
        MachineFacts.lines("cotenant place --models " + models + " --device " + device).forEach(l -> b.append(l).append('\n'));
        b.append(String.format(Locale.ROOT, "%d models on devices of %s; predicted p99 = own service p99 + queueing wait p99%n%n",
                demands.size(), model.describe()));
        b.append(String.format(Locale.ROOT, "%-18s %8s %8s %16s %10s%n", "model", "rate/s", "SLO ms", "service p99 ms", "load"));
        for (Prediction alone : naive.getFirst().devices()) {
            Prediction.Model m = alone.models().getFirst();
            b.append(String.format(Locale.ROOT, "%-18s %8.1f %8.0f %16.2f %9.0f%%%n", m.demand().model(), m.demand().rate(), m.demand().sloMs(),
                    m.serviceP99Ms(), 100 * alone.utilisation()));
        }
        b.append('\n');
        for (Placement p : concat(best, naive)) {
            b.append(String.format(Locale.ROOT, "%s: %d device%s, %s%n", p.method(), p.devices().size(), p.devices().size() == 1 ? "" : "s",
                    p.meetsSlos() ? "every SLO met (predicted)" : "SLOs missed (predicted)"));
            for (int i = 0; i < p.devices().size(); i++) {
                Prediction d = p.devices().get(i);
                b.append(String.format(Locale.ROOT, "  device %d, %.0f%% busy:", i + 1, 100 * d.utilisation()));
                for (Prediction.Model m : d.models()) {
                    b.append(String.format(Locale.ROOT, " %s p99 %s/%.0f ms%s;", m.demand().model(), ms(m.p99Ms()), m.demand().sloMs(),
                            m.meetsSlo() ? "" : " MISSED"));
                }
                b.setLength(b.length() - 1);
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String ms(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "unbounded";
    }

    private static List<Placement> concat(Placement first, List<Placement> rest) {
        List<Placement> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** One repository and one serve command line per device, and the report. */
    private void write(Placement best, ObjectNode report, PrintWriter o) throws IOException {
        Files.createDirectories(out);
        for (int i = 0; i < best.devices().size(); i++) {
            Path dir = out.resolve("device-" + (i + 1));
            Map<String, Double> slos = new LinkedHashMap<>();
            best.devices().get(i).models().forEach(m -> slos.put(m.demand().model(), m.demand().sloMs()));
            for (var e : slos.entrySet()) {
                RepoCommand.write(dir.resolve("repository"), e.getKey(), 8, 0, 64, e.getValue());
            }
            List<String> args = new ArrayList<>(List.of("serve", "--repo", dir.resolve("repository").toAbsolutePath().toString()));
            args.addAll(serveFlags);
            Files.writeString(dir.resolve("serve.args"), String.join("\n", args) + "\n");
            o.println("wrote " + dir + " (" + String.join(", ", slos.keySet()) + ")");
        }
        Files.writeString(out.resolve("placement.json"), Json.write(report) + "\n");
        o.println("wrote " + out.resolve("placement.json"));
    }
}
