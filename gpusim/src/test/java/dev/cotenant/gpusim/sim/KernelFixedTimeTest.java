package dev.cotenant.gpusim.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Unit;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A runtime's fixed device time per kernel: work spread over the SMs the kernel may use, so a
 * stream confined to a seventh of the device pays seven times as long for it, and a runtime without
 * it (native) is unchanged.
 */
class KernelFixedTimeTest {

    static final Gpu A100 = Gpu.load("a100");

    /** A stream of {@code n} one-block kernels with nothing to do, on {@code sms} SMs (0: all), under {@code runtime}. */
    static double run(HostRuntime runtime, int n, int sms) {
        Kernel empty = new Kernel("empty", 1, 128, 32, 0, 0, 0, Unit.FP32, 1);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(Item.launch(empty));
        }
        // Host time out of the way: only device time decides the makespan.
        HostRuntime free = runtime.withDispatchUs(runtime.name(), 0);
        Sharing s = Sharing.SHARED.withHost(new Sharing.Host(free, Sharing.DEFAULT_WORK_QUEUES, false));
        GpuStream stream = new GpuStream("t", 0, 0, 0, sms, 0, items);
        return Simulator.run(A100, new Submission(List.of(stream), s)).makespanUs();
    }

    @Test
    void fixedTimeIsSpreadOverTheStreamsSms() {
        HostRuntime nativeRt = HostRuntime.load("native");
        HostRuntime withFixed = HostRuntime.parse(String.join("\n", "name = fixed", "dispatch_us = 0", "graph = false",
                "graph_launch_us = 0", "graph_kernel_gap_us = 0", "one_host_thread = false", "per_operator_kernels = false",
                "request_us = 0", "kernel_fixed_sm_us = 1400"), "test");
        assertEquals(0, nativeRt.kernelFixedSmUs());
        assertEquals(100, withFixed.kernelFixedUs(14), 1e-9);
        int n = 11;
        double base = run(nativeRt, n, 14);
        // Ten dependent launches after the first each wait 1400 / 14 = 100 us more on 14 SMs, and
        // 1400 / 108 on the whole device, less what the driver's enqueue of each (2.5 us) had cost
        // the stream before, which now overlaps the wait.
        double slack = 10 * A100.launchUs();
        assertEquals(base + 10 * 100 - slack / 2, run(withFixed, n, 14), slack / 2);
        assertEquals(run(nativeRt, n, 0) + 10 * 1400.0 / A100.sms() - slack / 2, run(withFixed, n, 0), slack / 2);
    }

    @Test
    void theEagerSheetCarriesItAndTheEngineSheetsDoNot() {
        assertEquals(500, HostRuntime.load("eager").kernelFixedSmUs());
        assertEquals(0, HostRuntime.load("graph").kernelFixedSmUs());
        // A derived host (another dispatch time, a request time) keeps it.
        assertEquals(500, HostRuntime.load("eager").withDispatchUs("other host", 27).withRequestUs(10).kernelFixedSmUs());
    }
}
