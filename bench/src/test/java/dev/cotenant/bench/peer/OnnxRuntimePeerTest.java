package dev.cotenant.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.sched.compare.Peer;
import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.workload.TenantPlan;
import dev.cotenant.sched.workload.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peer runs every tenant's exported model in its own session and thread, each round. */
class OnnxRuntimePeerTest {

    @Test
    void runsEveryTenantEveryRound() {
        List<TenantPlan> plans = TenantPlan.load(Workload.parse("bert-tiny:1,bert-tiny:2"), 3);
        for (int threads : new int[] {0, 1}) {
            try (OnnxRuntimePeer peer = new OnnxRuntimePeer(plans, threads)) {
                Timeline tl = peer.run(2, 2);
                assertEquals(threads == 0 ? 2 : threads, tl.tasks().get(0).threads());
                assertEquals(2, tl.rounds());
                assertEquals(2, tl.tasks().size());
                for (int r = 0; r < 2; r++) {
                    for (int t = 0; t < 2; t++) {
                        assertTrue(tl.start()[r][t] >= 0 && tl.end()[r][t] > tl.start()[r][t]);
                    }
                }
                assertTrue(tl.medianMakespanMs() > 0);
            }
        }
    }

    @Test
    void oneAfterAnotherRunsEachSessionAfterThePrevious() {
        List<TenantPlan> plans = TenantPlan.load(Workload.parse("bert-tiny:1,bert-tiny:2"), 3);
        try (Peer.Session s = OnnxRuntimePeer.PEER.open(plans, new Peer.Setup(List.of(2, 1), true))) {
            Timeline tl = s.round(2);
            assertEquals(1, tl.streams());
            assertEquals(2, tl.tasks().get(0).threads());
            assertEquals(1, tl.tasks().get(1).threads());
            assertTrue(tl.start()[0][1] >= tl.end()[0][0], "the second session starts after the first ends");
        }
    }
}
