package dev.cotenant.gpusim.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.Item;
import dev.cotenant.gpusim.kernel.Kernel;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.gpusim.kernel.ZooModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The invariants of host runtimes and work queues: a graph runtime is never slower than
 * native, native never slower than eager, and more work queues are never slower.
 */
class RuntimePropertyTest {

    static final HostRuntime NATIVE = HostRuntime.load("native");
    static final HostRuntime GRAPH = HostRuntime.load("graph");
    static final HostRuntime EAGER = HostRuntime.load("eager");

    static double run(Gpu gpu, HostRuntime r, int rounds, LoweredModel m) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            items.addAll(m.inference(r));
        }
        Sharing s = Sharing.SHARED.withHost(new Sharing.Host(r, Sharing.DEFAULT_WORK_QUEUES, false));
        return Simulator.run(gpu, new Submission(List.of(GpuStream.of(m.name(), 0, items)), s)).makespanUs();
    }

    @Test
    void graphIsNeverSlowerThanNativeAndNativeNeverSlowerThanEager() {
        for (String g : List.of("a100", "l4", "h200")) {
            Gpu gpu = Gpu.load(g);
            for (ZooModels.Entry e : List.of(new ZooModels.Entry("resnet18", 1), new ZooModels.Entry("bert-tiny", 4),
                    new ZooModels.Entry("mobilenetv2", 8))) {
                LoweredModel engine = ZooModels.lower(List.of(e), Precision.FP16, gpu).getFirst();
                LoweredModel eager = ZooModels.lower(List.of(e), Precision.FP16, gpu, Lowering.Fusion.EAGER).getFirst();
                for (int rounds : new int[] {1, 3}) {
                    double graph = run(gpu, GRAPH, rounds, engine);
                    double nat = run(gpu, NATIVE, rounds, engine);
                    double eag = run(gpu, EAGER, rounds, eager);
                    String what = g + " " + e.label() + " x" + rounds + ": graph " + graph + ", native " + nat + ", eager " + eag;
                    assertTrue(graph <= nat + 1e-6, what);
                    assertTrue(nat <= eag + 1e-6, what);
                }
            }
        }
    }

    @Test
    void onRandomStreamsToo() {
        Random r = new Random(21);
        Gpu a100 = Gpu.load("a100");
        for (int trial = 0; trial < 200; trial++) {
            List<Kernel> ks = PropertyTest.randomStreams(r).getFirst();
            List<Item> items = ks.stream().map(Item::launch).toList();
            LoweredModel m = new LoweredModel("m", Precision.FP16, List.of("op"), List.of(ks));
            double graph = run(a100, GRAPH, 2, m);
            double nat = run(a100, NATIVE, 2, m);
            double eag = run(a100, EAGER, 2, m);
            assertTrue(graph <= nat + 1e-6 && nat <= eag + 1e-6, "trial " + trial + ": " + graph + ", " + nat + ", " + eag + " " + items.size());
        }
    }

    /**
     * More queues never slow a process down: doubling them only takes false dependencies away
     * (every pair of streams apart on q queues stays apart on 2q). Exactly so when kernels do not
     * compete for SMs or bandwidth (small compute-only grids, launch- and gap-bound streams).
     * Where they do, list scheduling admits the anomalies {@link PropertyTest} notes (a kernel that
     * starts earlier can take leftovers another needed; on short random workloads a few percent
     * either way), so there the property is checked over all trials together: a queue per stream
     * never loses to one queue for all.
     */
    @Test
    void moreWorkQueuesAreNeverSlower() {
        Random r = new Random(22);
        Gpu a100 = Gpu.load("a100");
        double ownTotal = 0;
        double oneTotal = 0;
        for (int trial = 0; trial < 80; trial++) {
            boolean contend = trial % 2 == 1;
            List<GpuStream> streams = new ArrayList<>();
            int n = 2 + r.nextInt(11);
            for (int s = 0; s < n; s++) {
                List<Item> items = new ArrayList<>();
                for (Kernel k : PropertyTest.randomStreams(r).getFirst()) {
                    Kernel small = new Kernel(k.name(), 1 + r.nextInt(8), 128, 32, 0, 1e4 + r.nextDouble() * 4e5, 0, k.unit(), 1.0);
                    items.add(Item.launch(contend ? k.scaled(0.05) : small));
                }
                streams.add(GpuStream.of("s" + s, 0, items));
            }
            double one = makespan(a100, streams, 1);
            double own = makespan(a100, streams, Math.min(n, Sharing.MAX_WORK_QUEUES));
            if (contend) {
                ownTotal += own;
                oneTotal += one;
                continue;
            }
            double prev = one;
            for (int q = 2; q <= 16; q *= 2) {
                double t = makespan(a100, streams, q);
                assertTrue(t <= prev + 1e-6, "trial " + trial + ", " + n + " streams: " + q + " queues " + t + " > " + prev);
                prev = t;
            }
            assertTrue(own <= one + 1e-6, "trial " + trial + ", " + n + " streams: a queue each " + own + " > one for all " + one);
        }
        assertTrue(ownTotal <= oneTotal, "contending workloads: a queue each " + ownTotal + " > one for all " + oneTotal);
    }

    static double makespan(Gpu gpu, List<GpuStream> streams, int queues) {
        Sharing sharing = Sharing.SHARED.withHost(new Sharing.Host(NATIVE, queues, false));
        return Simulator.run(gpu, new Submission(streams, sharing)).makespanUs();
    }
}
