package dev.cotenant.server.regulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.Tensor;
import dev.cotenant.server.Fixtures;
import dev.cotenant.server.repository.ModelFolder;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regulator's decisions without the network: the last core, the order of a round, the admission stretch. */
class RegulatorTest {

    private static ServedModel tenant(Path repo, String name, String config) throws Exception {
        Fixtures.put(repo, name, Fixtures.tiny(), config);
        return ModelFolder.load(name, "1", repo.resolve(name), 2);
    }

    private static ServedModel tenant(Path repo, String name, dev.cotenant.ir.Model m, String config) throws Exception {
        Fixtures.put(repo, name, m, config);
        return ModelFolder.load(name, "1", repo.resolve(name), 2);
    }
    @Test
    void theLastCoreIsNotGivenToABatchLongerThanHalfAnotherTenantsSlo(@TempDir Path repo) throws Exception {
        try (ServedModel slow = tenant(repo, "slow", Fixtures.slow(8), "max_batch_size: 4");
             ServedModel tight = tenant(repo, "tight", "parameters { key: \"slo_ms\" value { string_value: \"2\" } }")) {
            InferRequest r = Admission.admit(slow, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 128, 512)), null, 0, 0, 0);
            slow.execute(Fixtures.running(slow, r), 1);
            assertTrue(r.result().isDone() && !r.result().isCompletedExceptionally());
            assertTrue(slow.estimateNanos(1) > 1_000_000, "one slow sample takes over a millisecond: " + slow.estimateNanos(1));
            RoundPolicy.Candidate c = new RoundPolicy.Candidate(slow, 0, 1, 4);
            assertEquals(List.of(), SafeRounds.INSTANCE.pick(List.of(c), 1, 2, List.of(slow, tight), 0),
                    "the last core stays free for the 2 ms tenant");
            assertEquals(List.of(new RoundPolicy.Dispatch(slow, 1)), SafeRounds.INSTANCE.pick(List.of(c), 2, 2, List.of(slow, tight), 0),
                    "with a core to spare the slow batch runs");
            assertEquals(List.of(new RoundPolicy.Dispatch(slow, 1)), SafeRounds.INSTANCE.pick(List.of(c), 1, 1, List.of(slow, tight), 0),
                    "on a one-core device the only core is never guarded: held back, the slow batch would never run");
        }
    }
    @Test
    void roundsPutPriorityThenTheLeastSlackFirstWithinTheCoreBudget(@TempDir Path repo) throws Exception {
        try (ServedModel relaxed = tenant(repo, "relaxed", "parameters { key: \"slo_ms\" value { string_value: \"500\" } }");
             ServedModel tight = tenant(repo, "tight", "parameters { key: \"slo_ms\" value { string_value: \"5\" } }");
             ServedModel vip = tenant(repo, "vip", "optimization { priority: PRIORITY_MAX }")) {
            SafeRounds p = SafeRounds.INSTANCE;
            RoundPolicy.Candidate a = new RoundPolicy.Candidate(relaxed, 0, 1, 1);
            RoundPolicy.Candidate b = new RoundPolicy.Candidate(tight, 1_000_000, 1, 1);
            RoundPolicy.Candidate c = new RoundPolicy.Candidate(vip, 2_000_000, 1, 1);
            assertEquals(List.of(new RoundPolicy.Dispatch(tight, 1), new RoundPolicy.Dispatch(relaxed, 1)), p.pick(List.of(a, b), 2, 2, List.of(relaxed, tight), 0),
                    "the tight SLO goes first even though it arrived later");
            assertEquals(List.of(new RoundPolicy.Dispatch(vip, 1)), p.pick(List.of(a, b, c), 1, 2, List.of(vip), 0), "model priority outranks slack");
            assertEquals(List.of(new RoundPolicy.Dispatch(relaxed, 2)), p.pick(List.of(a), 2, 2, List.of(relaxed), 0), "the only active tenant: every core");
            assertEquals(List.of(new RoundPolicy.Dispatch(relaxed, 1)), p.pick(List.of(a), 2, 2, List.of(relaxed, vip), 0), "another tenant active: one core");
            assertEquals(List.of(new RoundPolicy.Dispatch(relaxed, 1)), p.pick(List.of(a), 1, 2, List.of(relaxed), 0), "one core free: one thread");
        }
    }
    @Test
    void onlyATenantOfferedMoreThanItsCoreHasItsWaitStretchedAndOnlyByWhatTheOthersTake(@TempDir Path repo) throws Exception {
        try (ServedModel t = tenant(repo, "o", "max_batch_size: 4");
             ServedModel a = tenant(repo, "a", "max_batch_size: 4");
             ServedModel b = tenant(repo, "b", "max_batch_size: 4")) {
            for (ServedModel x : List.of(t, a, b)) {
                x.observe(10_000_000, 1, 1); // 10 ms a sample: one core serves 100 samples a second
            }
            List<ServedModel> three = List.of(t, a, b);
            long now = offer(t, 0, 50, 1_000_000_000L); // 50 a second for a second: half a core
            assertTrue(t.offeredLoad(now) > 0.2 && t.offeredLoad(now) < 0.5, "load " + t.offeredLoad(now));
            assertEquals(1, RegulatedScheduler.stretch(t, now, three, 2), "a burst below a core drains at the measured time");
            now = offer(t, now, 200, 2_000_000_000L); // twice a core
            assertTrue(t.overloaded(now), "load " + t.offeredLoad(now));
            assertEquals(1, RegulatedScheduler.stretch(t, now, three, 2), 1e-9, "the others offered nothing: a whole core");
            offer(a, 0, 200, now);
            offer(b, 0, 200, now);
            assertEquals(1.5, RegulatedScheduler.stretch(t, now, three, 2), 1e-9,
                    "every tenant overloaded: the equal share, 3 tenants on 2 cores");
            ServedModel c = tenant(repo, "c", "max_batch_size: 4");
            ServedModel d = tenant(repo, "d", "max_batch_size: 4");
            try (c; d) {
                c.observe(10_000_000, 1, 1);
                d.observe(10_000_000, 1, 1);
                offer(c, 0, 60, now);
                offer(d, 0, 60, now);
                double others = c.offeredLoad(now) + d.offeredLoad(now); // about 1.2 cores, each under the equal share
                assertEquals(1 / (2 - others), RegulatedScheduler.stretch(t, now, List.of(t, c, d), 2), 1e-9,
                        "the others under their equal shares: what they leave of the cores");
            }
            assertTrue(t.offeredLoad(now + 5_000_000_000L) < 0.02, "the rate decays when arrivals stop");
        }
    }

    /** Offers {@code tenant} {@code perSecond} samples a second, evenly, from {@code from} until {@code until}; returns the last arrival. */
    private static long offer(ServedModel tenant, long from, int perSecond, long until) {
        long step = 1_000_000_000L / perSecond;
        long now = from;
        while (now + step <= until) {
            now += step;
            tenant.offered(1, now);
        }
        return now;
    }
}
