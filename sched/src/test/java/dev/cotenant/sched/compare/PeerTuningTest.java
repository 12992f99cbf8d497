package dev.cotenant.sched.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The setups a peer is tuned over: every assignment while they are few, and the sessions one after another. */
class PeerTuningTest {

    @Test
    void everyAssignmentWhileTheyAreFewAndOneAfterAnotherAtEachThreadCount() {
        List<Peer.Setup> c = PeerTuning.candidates(3, 2);
        assertEquals(8 + 2, c.size(), c.toString());
        assertEquals(c.size(), c.stream().distinct().count(), "no setup twice");
        assertTrue(c.contains(new Peer.Setup(List.of(2, 1, 1), false)));
        assertTrue(c.contains(new Peer.Setup(List.of(1, 1, 1), true)));
        assertTrue(c.contains(new Peer.Setup(List.of(2, 2, 2), true)));
        assertEquals("concurrently on 2,1,1 threads", new Peer.Setup(List.of(2, 1, 1), false).describe());
        assertEquals("one after another on 2 threads each", new Peer.Setup(List.of(2, 2, 2), true).describe());
        assertEquals("concurrently on default,default threads", Peer.Setup.defaults(2).describe());
    }

    @Test
    void manyCoresFallBackToUniformAndOneHeavyTenant() {
        List<Peer.Setup> c = PeerTuning.candidates(4, 16);
        assertEquals(16 + 4 + 16, c.size());
        assertTrue(c.contains(new Peer.Setup(List.of(1, 16, 1, 1), false)));
        assertTrue(c.contains(new Peer.Setup(List.of(8, 8, 8, 8), false)));
    }
}
