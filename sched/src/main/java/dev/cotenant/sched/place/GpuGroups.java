package dev.cotenant.sched.place;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.ZooModels;
import dev.cotenant.gpusim.sim.KernelTimeline;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.sched.device.ScheduleLowering;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A group of models on one simulated GPU, served as multistream serves them: each model on a
 * stream of its own, its requests one after another on it, the streams' kernels overlapping. The
 * simulator runs one request of each model at batch 1 alone and then all of them at once. A
 * model's service time is its latency in that co-run (its slowdown when every other model of the
 * group has a request in flight: an upper end), and its queue is its own stream, M/D/1 over that
 * time. The device's busy fraction is the work the group offers with the overlap the co-run showed
 * (the round's makespan against the sum of the solo times), which is what the planned ceiling
 * applies to.
 */
public final class GpuGroups {

    private final Gpu gpu;
    private final Precision precision;
    private final Map<String, LoweredModel> lowered = new HashMap<>();
    private final Map<String, Double> soloMs = new HashMap<>();

    public GpuGroups(Gpu gpu, Precision precision) {
        this.gpu = gpu;
        this.precision = precision;
    }

    String describe() {
        return String.format(Locale.ROOT, "simulated %s, %s", gpu.name(), precision.name().toLowerCase(Locale.ROOT));
    }

    private LoweredModel lower(String model) {
        return lowered.computeIfAbsent(model, m -> ZooModels.lower(new ZooModels.Entry(m, 1), precision, gpu));
    }

    /** The model's latency alone at batch 1, in milliseconds. */
    public double soloMs(String model) {
        return soloMs.computeIfAbsent(model, m -> run(new Policy.Sequential(), List.of(lower(m))).makespanUs() / 1e3);
    }

    private KernelTimeline run(Policy policy, List<LoweredModel> tenants) {
        return Simulator.run(gpu, SimulatedPolicy.of(policy).submission(tenants, 1, gpu, Sharing.Host.DEFAULT));
    }

    Prediction predict(List<Demand> group) {
        List<LoweredModel> tenants = new ArrayList<>();
        double soloSum = 0;
        for (Demand d : group) {
            tenants.add(lower(d.model()));
            soloSum += soloMs(d.model());
        }
        KernelTimeline together = run(new Policy.Multistream(false), tenants);
        double overlap = Math.min(1, together.makespanUs() / 1e3 / soloSum);
        double[] latency = ScheduleLowering.latencyMs(together, tenants);
        double busy = 0;
        List<Prediction.Model> models = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            Demand d = group.get(i);
            double service = Math.max(latency[i], soloMs(d.model()));
            double wait = Queueing.waitQuantileMs(d.rate(), service, service * service, 1, 0.99);
            models.add(new Prediction.Model(d, service, wait, service + wait));
            busy += d.rate() * soloMs(d.model()) * overlap / 1e3;
        }
        return new Prediction(busy, models);
    }
}
