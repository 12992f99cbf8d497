package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regulator's pieces without the network: queue order, admission bounds, round decisions. */
class RegulatorTest {

    private static Tenant tenant(Path repo, String name, String config) throws Exception {
        Fixtures.put(repo, name, Fixtures.tiny(), config);
        return Tenant.load(name, "1", repo.resolve(name), 2);
    }

    private static Tenant tenant(Path repo, String name, dev.cotenant.ir.Model m, String config) throws Exception {
        Fixtures.put(repo, name, m, config);
        return Tenant.load(name, "1", repo.resolve(name), 2);
    }

    private static InferRequest request(Tenant t, int priority, long arrived) {
        return Admission.admit(t, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 16)), null, priority, 0, arrived);
    }

    @Test
    void queuesServeUrgentLevelsFirstAndRefuseWhenFull(@TempDir Path repo) throws Exception {
        try (Tenant t = tenant(repo, "q", "max_batch_size: 1 dynamic_batching { priority_levels: 2 default_queue_policy { max_queue_size: 3 } }")) {
            InferRequest low1 = request(t, 2, 1);
            InferRequest low2 = request(t, 0, 2);
            InferRequest high = request(t, 1, 3);
            assertTrue(t.queue.offer(low1));
            assertTrue(t.queue.offer(low2));
            assertTrue(t.queue.offer(high));
            assertFalse(t.queue.offer(request(t, 1, 4)), "the fourth request exceeds max_queue_size 3");
            assertEquals(1, t.queue.mostUrgentLevel());
            assertEquals(List.of(high), t.queue.take(10));
            assertEquals(List.of(low1), t.queue.take(10));
            assertEquals(List.of(low2), t.queue.take(10));
            assertEquals(Long.MAX_VALUE, t.queue.readyAt(10));
        }
    }

    @Test
    void batchesTakeTheLargestPlannedSizeAndWaitForTheDelay(@TempDir Path repo) throws Exception {
        try (Tenant t = tenant(repo, "b", "max_batch_size: 8 dynamic_batching { max_queue_delay_microseconds: 1000 }")) {
            for (int i = 0; i < 5; i++) {
                t.queue.offer(request(t, 0, 100));
            }
            assertEquals(100 + 1_000_000, t.queue.readyAt(200), "5 of 8 waiting: wait for the delay");
            assertEquals(4, t.queue.take(2_000_000).size(), "the largest planned size 5 samples fill is 4");
            assertEquals(1, t.queue.take(2_000_000).size());
        }
    }

    @Test
    void expiredRequestsFailWithTimeout(@TempDir Path repo) throws Exception {
        try (Tenant t = tenant(repo, "e", "max_batch_size: 1")) {
            InferRequest r = Admission.admit(t, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 16)), null, 0, 50, 0);
            t.queue.offer(r);
            assertEquals(1, t.queue.expire(1_000_000));
            assertTrue(r.result.isCompletedExceptionally());
            assertEquals(1, t.stats.failures.get(InferError.Kind.TIMEOUT).sum());
        }
    }

    @Test
    void theLastCoreIsNotGivenToABatchLongerThanHalfAnotherTenantsSlo(@TempDir Path repo) throws Exception {
        try (Tenant slow = tenant(repo, "slow", Fixtures.slow(8), "max_batch_size: 4");
             Tenant tight = tenant(repo, "tight", "parameters { key: \"slo_ms\" value { string_value: \"2\" } }")) {
            InferRequest r = Admission.admit(slow, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 128, 512)), null, 0, 0, 0);
            slow.execute(List.of(r), 1);
            assertTrue(r.result.isDone() && !r.result.isCompletedExceptionally());
            assertTrue(slow.estimateNanos(1) > 1_000_000, "one slow sample takes over a millisecond: " + slow.estimateNanos(1));
            RoundPolicy.Candidate c = new RoundPolicy.Candidate(slow, 0, 1, 4);
            assertEquals(List.of(), SafeRounds.INSTANCE.pick(List.of(c), 1, 2, List.of(slow, tight), 0),
                    "the last core stays free for the 2 ms tenant");
            assertEquals(List.of(new RoundPolicy.Dispatch(slow, 1)), SafeRounds.INSTANCE.pick(List.of(c), 2, 2, List.of(slow, tight), 0),
                    "with a core to spare the slow batch runs");
        }
    }

    @Test
    void warmUpRunsAtLoadLeaveAnswersUnchanged(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "w", Fixtures.slow(2), "max_batch_size: 2");
        try (Tenant cold = Tenant.load("w", "1", repo.resolve("w"), 2, 0);
             Tenant warm = Tenant.load("w", "1", repo.resolve("w"), 2, 2)) {
            for (int threads : new int[] {1, 2}) {
                float[] want = answer(cold, threads);
                float[] got = answer(warm, threads);
                assertTrue(java.util.Arrays.equals(want, got), "runs on zeros at load must not change an answer (" + threads + " threads)");
            }
        }
    }

    private static float[] answer(Tenant t, int threads) throws Exception {
        Tensor x = Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 2, 128, 512);
        float[] a = (float[]) x.array();
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 97) / 97f - 0.5f;
        }
        InferRequest r = Admission.admit(t, "", Map.of("x", x), null, 0, 0, 0);
        t.execute(List.of(r), threads);
        Tensor out = r.result.get().outputs().values().iterator().next();
        return java.util.Arrays.copyOfRange((float[]) out.array(), out.offset(), out.offset() + out.size());
    }

    @Test
    void roundsPutPriorityThenTheLeastSlackFirstWithinTheCoreBudget(@TempDir Path repo) throws Exception {
        try (Tenant relaxed = tenant(repo, "relaxed", "parameters { key: \"slo_ms\" value { string_value: \"500\" } }");
             Tenant tight = tenant(repo, "tight", "parameters { key: \"slo_ms\" value { string_value: \"5\" } }");
             Tenant vip = tenant(repo, "vip", "optimization { priority: PRIORITY_MAX }")) {
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
    void aRequestIsNoLongerCountedAheadOnceItsAnswerOrFailureGoesOut(@TempDir Path repo) throws Exception {
        try (Tenant t = tenant(repo, "s", "max_batch_size: 4")) {
            InferRequest good = request(t, 0, 0);
            InferRequest bad = Admission.admit(t, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 7)), null, 0, 0, 0);
            for (InferRequest r : List.of(good, bad)) {
                java.util.concurrent.atomic.AtomicInteger ahead = new java.util.concurrent.atomic.AtomicInteger(-1);
                r.result.whenComplete((ok, failed) -> ahead.set(t.stats.inFlight.get())); // runs as it is completed
                t.dispatched(List.of(r));
                assertEquals(1, t.stats.inFlight.get());
                t.execute(List.of(r), 1);
                assertEquals(0, ahead.get(), "a client holding its answer found it still ahead of its next request");
                t.settled(List.of(r)); // what a scheduler does when the run ends: nothing left to settle
                assertEquals(0, t.stats.inFlight.get(), "settled once, not twice");
            }
            assertFalse(good.result.isCompletedExceptionally(), "the good request was answered");
            assertTrue(bad.result.isCompletedExceptionally(), "the bad one (7 values for 16) failed");
        }
    }

    @Test
    void theOneThreadEstimateIgnoresRunsOnSeveralThreadsOnceItHasOne(@TempDir Path repo) throws Exception {
        try (Tenant t = tenant(repo, "e1", "max_batch_size: 4")) {
            t.observe(30_000_000, 2, 2);
            assertEquals(30_000_000, t.estimateNanos(1), 1, "before any one-thread run, two threads count as their core time");
            t.observe(10_000_000, 1, 1);
            assertEquals(10_000_000, t.estimateNanos(1), 1, "the first one-thread run replaces it");
            t.observe(100_000_000, 1, 2);
            assertEquals(10_000_000, t.estimateNanos(1), 1, "a run on two threads no longer moves it");
            t.observe(20_000_000, 1, 1);
            assertEquals(12_000_000, t.estimateNanos(1), 1, "one-thread runs are smoothed in");
        }
    }

    @Test
    void onlyATenantOfferedMoreThanItsCoreHasItsWaitStretchedAndOnlyByWhatTheOthersTake(@TempDir Path repo) throws Exception {
        try (Tenant t = tenant(repo, "o", "max_batch_size: 4");
             Tenant a = tenant(repo, "a", "max_batch_size: 4");
             Tenant b = tenant(repo, "b", "max_batch_size: 4")) {
            for (Tenant x : List.of(t, a, b)) {
                x.observe(10_000_000, 1, 1); // 10 ms a sample: one core serves 100 samples a second
            }
            List<Tenant> three = List.of(t, a, b);
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
            Tenant c = tenant(repo, "c", "max_batch_size: 4");
            Tenant d = tenant(repo, "d", "max_batch_size: 4");
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
    private static long offer(Tenant tenant, long from, int perSecond, long until) {
        long step = 1_000_000_000L / perSecond;
        long now = from;
        while (now + step <= until) {
            now += step;
            tenant.offered(1, now);
        }
        return now;
    }
}
