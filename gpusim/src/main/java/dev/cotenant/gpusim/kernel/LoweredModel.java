package dev.cotenant.gpusim.kernel;

import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant lowered to GPU kernels: for every step of its plan, the kernels that step launches (an
 * empty list where the step costs nothing on a GPU or was fused into an earlier step's kernel).
 *
 * @param name the tenant
 * @param precision its arithmetic
 * @param operators for each step of the plan, in order, its operator type and node label
 *     ("Conv resnet50/conv1"); the plan itself is not kept, so its weights can be freed
 * @param kernelsPerStep for each step, its kernels
 */
public record LoweredModel(String name, Precision precision, List<String> operators, List<List<Kernel>> kernelsPerStep) {

    public LoweredModel {
        operators = List.copyOf(operators);
        kernelsPerStep = kernelsPerStep.stream().map(List::copyOf).toList();
    }

    /** Every kernel, in launch order. */
    public List<Kernel> kernels() {
        List<Kernel> out = new ArrayList<>();
        kernelsPerStep.forEach(out::addAll);
        return out;
    }

    /** Launch items of every kernel, tagged {@code name:step}, for a stream of this tenant alone. */
    public List<Item> launches() {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < kernelsPerStep.size(); i++) {
            for (Kernel k : kernelsPerStep.get(i)) {
                out.add(new Item.Launch(k, name + ":" + i));
            }
        }
        return out;
    }

    /**
     * One inference as {@code runtime} submits it: the host items it needs first
     * ({@link #hostItems}), then every launch.
     */
    public List<Item> inference(HostRuntime runtime) {
        List<Item> out = hostItems(runtime, name);
        out.addAll(launches());
        return out;
    }

    /**
     * What a runtime's host does before each inference of a stream, the device seeing none of it:
     * serve the request after the previous inference completed ({@link HostRuntime#requestUs}), and
     * launch the inference's CUDA graph ({@link HostRuntime#graph}). Empty for the native runtime.
     */
    public static List<Item> hostItems(HostRuntime runtime, String tag) {
        List<Item> out = new ArrayList<>();
        if (runtime.requestUs() > 0) {
            out.add(new Item.Host(runtime.requestUs(), true, false, tag + " request"));
        }
        if (runtime.graph()) {
            out.add(new Item.Host(runtime.graphLaunchUs(), false, true, tag + " graph launch"));
        }
        return out;
    }

    /** Total FLOPs of all kernels (tile padding included). */
    public double flops() {
        return kernels().stream().mapToDouble(Kernel::flops).sum();
    }

    /** Total DRAM bytes of all kernels. */
    public double bytes() {
        return kernels().stream().mapToDouble(Kernel::bytes).sum();
    }
}
