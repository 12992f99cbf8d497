package dev.cotenant.sched.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The placement search: its answer is feasible and no placement with fewer devices is (checked by
 * enumerating every partition), it keeps light models with tight SLOs away from heavy ones where
 * bin packing by load does not, and it refuses clearly what cannot be placed.
 */
class PlacerTest {

    /** Two heavy models with loose SLOs, three light ones with tight SLOs, on one-core devices. */
    static final DeviceModel.Cpu CORE = new DeviceModel.Cpu(1, Map.of(
            "heavy-a", ServiceTime.fixed(120), "heavy-b", ServiceTime.fixed(90),
            "light-a", ServiceTime.fixed(12), "light-b", ServiceTime.fixed(3), "light-c", ServiceTime.fixed(30)));

    static final List<Demand> MIX = List.of(new Demand("heavy-a", 2, 1500), new Demand("light-a", 10, 80),
            new Demand("heavy-b", 2, 1500), new Demand("light-b", 30, 40), new Demand("light-c", 4, 150));

    @Test
    void theSearchFindsTheFewestFeasibleDevicesAndSeparatesHeavyFromTight() {
        assertEquals(MIX, Placer.replicate(MIX, CORE), "every model of the mix fits a device alone");
        Placement p = Placer.place(MIX, CORE, 6, i -> { });
        assertTrue(p.meetsSlos(), p.toString());
        assertEquals(fewestFeasible(MIX, CORE), p.devices().size(), "no partition with fewer devices is feasible");
        for (List<String> g : p.groups()) {
            boolean heavy = g.stream().anyMatch(m -> m.startsWith("heavy"));
            boolean tight = g.contains("light-b");
            assertFalse(heavy && tight, "the 40 ms model waits behind a 90-120 ms one: " + p.groups());
        }
        Placement byLoad = Placer.firstFitByLoad(MIX, CORE);
        assertTrue(byLoad.devices().size() <= p.devices().size(), "bin packing by load alone never needs more devices");
        assertFalse(byLoad.meetsSlos(), "and here it misses SLOs: " + byLoad);
        Placement one = Placer.onePerModel(MIX, CORE);
        assertEquals(MIX.size(), one.devices().size());
        assertTrue(one.meetsSlos());
    }

    @Test
    void randomMixesAgreeWithEnumeration() {
        SplittableRandom r = new SplittableRandom(7);
        int placed = 0;
        int shared = 0;
        for (int trial = 0; trial < 40; trial++) {
            int n = 2 + r.nextInt(5);
            Map<String, ServiceTime> times = new java.util.HashMap<>();
            List<Demand> demands = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double ms = 1 + r.nextDouble(100);
                times.put("m" + i, new ServiceTime(ms, ms * ms * (1 + r.nextDouble(0.5)), ms * (1 + r.nextDouble(0.5))));
                demands.add(new Demand("m" + i, 0.5 + r.nextDouble(0.4) * 1e3 / ms, ms * (2 + r.nextDouble(20))));
            }
            DeviceModel.Cpu cores = new DeviceModel.Cpu(1 + r.nextInt(2), times);
            List<Demand> replicas;
            try {
                replicas = Placer.replicate(demands, cores);
            } catch (ModelException e) {
                assertTrue(e.getMessage().contains("even split 64 ways"), e.getMessage());
                continue;
            }
            if (replicas.size() > 8) {
                continue;
            }
            int best = fewestFeasible(replicas, cores);
            Placement p = Placer.place(replicas, cores, replicas.size(), i -> { });
            assertEquals(best, p.devices().size(), "trial " + trial + ": " + p);
            assertTrue(p.meetsSlos());
            assertEquals(replicas.size(), p.groups().stream().mapToInt(List::size).sum(), "every replica placed once");
            p.groups().forEach(g -> assertEquals(g.size(), g.stream().distinct().count(), "two replicas of a model on one device: " + g));
            placed++;
            shared += p.devices().size() < n ? 1 : 0;
        }
        assertTrue(placed >= 20 && shared >= 10, "the trials exercise the search: " + placed + " placed, " + shared + " with shared devices");
    }

    @Test
    void whatCannotBePlacedIsOneClearError() {
        List<Demand> tooTight = List.of(new Demand("heavy-a", 2, 100), new Demand("light-a", 1, 1000));
        String alone = assertThrows(ModelException.class, () -> Placer.replicate(tooTight, CORE)).getMessage();
        assertTrue(alone.contains("heavy-a (even split 64 ways: p99") && alone.contains("SLO of 100 ms") && !alone.contains("light-a"), alone);
        String cap = assertThrows(ModelException.class, () -> Placer.place(MIX, CORE, 1, i -> { })).getMessage();
        assertTrue(cap.contains("more than --max-devices 1"), cap);
        assertTrue(assertThrows(ModelException.class, () -> Demand.parseList("a:1:2,a:3:4")).getMessage().contains("'a' is given twice"));
        assertTrue(assertThrows(ModelException.class, () -> Demand.parse("resnet18:4")).getMessage().contains("MODEL:RATE:SLO_MS"));
        assertTrue(assertThrows(ModelException.class, () -> Demand.parse("resnet18:x:300")).getMessage().contains("the rate 'x'"));
        assertTrue(assertThrows(ModelException.class, () -> Demand.parse("resnet18:-1:300")).getMessage().contains("positive"));
        assertEquals(new Demand("resnet18", 4, 300), Demand.parse("resnet18:4:300ms"));
    }

    @Test
    void aModelNoDeviceCanCarryIsSplitIntoReplicasOnDifferentDevices() {
        List<Demand> busy = Placer.replicate(List.of(new Demand("light-c", 70, 400), new Demand("light-b", 30, 100)), CORE);
        long replicas = busy.stream().filter(d -> d.model().equals("light-c")).count();
        assertTrue(replicas >= 3, "70/s of 30 ms is 2.1 cores: " + busy);
        busy.stream().filter(d -> d.model().equals("light-c")).forEach(d -> assertEquals(70.0 / replicas, d.rate(), 1e-9));
        assertEquals(1, busy.stream().filter(d -> d.model().equals("light-b")).count());
        Placement p = Placer.place(busy, CORE, 10, i -> { });
        assertTrue(p.meetsSlos());
        assertTrue(p.devices().size() >= replicas);
        p.groups().forEach(g -> assertTrue(g.stream().filter("light-c"::equals).count() <= 1, "two replicas on one device: " + p.groups()));
        Placement byLoad = Placer.firstFitByLoad(busy, CORE);
        byLoad.groups().forEach(g -> assertTrue(g.stream().filter("light-c"::equals).count() <= 1, "first fit too: " + byLoad.groups()));
    }

    /** The fewest devices of any feasible partition, by enumerating every partition (restricted growth strings). */
    static int fewestFeasible(List<Demand> demands, DeviceModel device) {
        int n = demands.size();
        int[] label = new int[n];
        int best = Integer.MAX_VALUE;
        while (true) {
            int groups = 0;
            for (int l : label) {
                groups = Math.max(groups, l + 1);
            }
            if (groups < best) {
                boolean ok = true;
                for (int g = 0; g < groups && ok; g++) {
                    List<Demand> members = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (label[i] == g) {
                            members.add(demands.get(i));
                        }
                    }
                    ok = members.stream().map(Demand::model).distinct().count() == members.size() && device.predict(members).feasible();
                }
                best = ok ? groups : best;
            }
            int i = n - 1;
            while (i > 0) {
                int max = 0;
                for (int j = 0; j < i; j++) {
                    max = Math.max(max, label[j]);
                }
                if (label[i] <= max) {
                    label[i]++;
                    break;
                }
                label[i] = 0;
                i--;
            }
            if (i == 0) {
                return best;
            }
        }
    }
}
