package dev.cotenant.sched.device;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.gpusim.kernel.ZooModels;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.sched.workload.Tenant;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.sched.workload.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated GPU: the discrete-event model of the device sheet {@code gpu}, with kernels lowered
 * for {@code precision} and fed by a host that runs {@code runtime} (a native runtime unless said
 * otherwise). Schedules reach it through {@link ScheduleLowering}.
 *
 * @param spec as given ({@code sim:h200}, {@code sim:/path/my.gpu}), for messages
 */
public record SimulatedGpu(String spec, Gpu gpu, Precision precision, HostRuntime runtime) implements Device {

    /** The GPU fed by a native runtime. */
    public SimulatedGpu(String spec, Gpu gpu, Precision precision) {
        this(spec, gpu, precision, HostRuntime.NATIVE);
    }

    /** The same GPU fed by another host runtime. */
    public SimulatedGpu withRuntime(HostRuntime r) {
        return new SimulatedGpu(spec, gpu, precision, r);
    }

    /** How the host feeds it: {@code runtime}, the default work queues, interference off (the simulator's default). */
    public Sharing.Host host() {
        return new Sharing.Host(runtime, Sharing.DEFAULT_WORK_QUEUES, false);
    }

    /** The fusion of kernels {@code runtime} launches. */
    public Lowering.Fusion fusion() {
        return Lowering.Fusion.of(runtime);
    }

    /** A built-in or file sheet by name ({@code h200}, {@code my.gpu}). */
    public static SimulatedGpu of(String sheet, Precision precision) {
        return new SimulatedGpu("sim:" + sheet, Gpu.load(sheet), precision);
    }

    /**
     * The workload's tenants as this GPU's kernels, in order: zoo models built once per model,
     * ONNX files imported and planned at their batch size, all lowered in the engine's style of
     * fusion for {@link #precision}. Launches are tagged with each tenant's label.
     */
    public List<LoweredModel> lower(Workload workload) {
        return lower(workload, Lowering.Fusion.ENGINE);
    }

    /**
     * The workload's tenants as the kernels {@code runtime} launches: a framework's unfused kernel
     * per operator ({@code eager}), else the engine's fused ones.
     */
    public List<LoweredModel> lower(Workload workload, HostRuntime runtime) {
        return lower(workload, Lowering.Fusion.of(runtime));
    }

    private List<LoweredModel> lower(Workload workload, Lowering.Fusion fusion) {
        List<Tenant> tenants = workload.tenants();
        if (tenants.stream().noneMatch(Tenant::isFile)) {
            return ZooModels.lower(tenants.stream().map(t -> new ZooModels.Entry(t.model(), t.batch())).toList(), precision, gpu, fusion);
        }
        List<LoweredModel> out = new ArrayList<>();
        for (Tenant t : tenants) {
            out.add(t.isFile()
                    ? Lowering.lower(t.label(), TenantPlan.load(t, 1).plan(), precision, gpu, fusion)
                    : ZooModels.lower(List.of(new ZooModels.Entry(t.model(), t.batch())), precision, gpu, fusion).getFirst());
        }
        return out;
    }

    @Override
    public String describe() {
        return spec + " (" + gpu.name() + ", " + Device.spell(precision) + (runtime.equals(HostRuntime.NATIVE) ? "" : ", " + runtime.name() + " runtime")
                + ")";
    }
}
