package dev.cotenant.server.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.Tensor;
import dev.cotenant.server.Fixtures;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.repository.ModelFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A served model without the network: queue order, batching, timeouts, warm-up, what counts in flight, its estimates. */
class ServedModelTest {

    private static ServedModel tenant(Path repo, String name, String config) throws Exception {
        Fixtures.put(repo, name, Fixtures.tiny(), config);
        return ModelFolder.load(name, "1", repo.resolve(name), 2);
    }

    private static ServedModel tenant(Path repo, String name, dev.cotenant.ir.Model m, String config) throws Exception {
        Fixtures.put(repo, name, m, config);
        return ModelFolder.load(name, "1", repo.resolve(name), 2);
    }

    private static InferRequest request(ServedModel t, int priority, long arrived) {
        return Admission.admit(t, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 16)), null, priority, 0, arrived);
    }
    @Test
    void queuesServeUrgentLevelsFirstAndRefuseWhenFull(@TempDir Path repo) throws Exception {
        try (ServedModel t = tenant(repo, "q", "max_batch_size: 1 dynamic_batching { priority_levels: 2 default_queue_policy { max_queue_size: 3 } }")) {
            InferRequest low1 = request(t, 2, 1);
            InferRequest low2 = request(t, 0, 2);
            InferRequest high = request(t, 1, 3);
            assertTrue(t.queue().offer(low1));
            assertTrue(t.queue().offer(low2));
            assertTrue(t.queue().offer(high));
            assertFalse(t.queue().offer(request(t, 1, 4)), "the fourth request exceeds max_queue_size 3");
            assertEquals(1, t.queue().mostUrgentLevel());
            assertEquals(List.of(high), t.queue().take(10));
            assertEquals(List.of(low1), t.queue().take(10));
            assertEquals(List.of(low2), t.queue().take(10));
            assertEquals(Long.MAX_VALUE, t.queue().readyAt(10));
        }
    }
    @Test
    void batchesTakeTheLargestPlannedSizeAndWaitForTheDelay(@TempDir Path repo) throws Exception {
        try (ServedModel t = tenant(repo, "b", "max_batch_size: 8 dynamic_batching { max_queue_delay_microseconds: 1000 }")) {
            for (int i = 0; i < 5; i++) {
                t.queue().offer(request(t, 0, 100));
            }
            assertEquals(100 + 1_000_000, t.queue().readyAt(200), "5 of 8 waiting: wait for the delay");
            assertEquals(4, t.queue().take(2_000_000).size(), "the largest planned size 5 samples fill is 4");
            assertEquals(1, t.queue().take(2_000_000).size());
        }
    }
    @Test
    void expiredRequestsFailWithTimeout(@TempDir Path repo) throws Exception {
        try (ServedModel t = tenant(repo, "e", "max_batch_size: 1")) {
            InferRequest r = Admission.admit(t, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 16)), null, 0, 50, 0);
            t.queue().offer(r);
            assertEquals(1, t.queue().expire(1_000_000));
            assertTrue(r.result().isCompletedExceptionally());
            assertEquals(1, t.stats().failures(InferError.Kind.TIMEOUT));
        }
    }
    @Test
    void warmUpRunsAtLoadLeaveAnswersUnchanged(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "w", Fixtures.slow(2), "max_batch_size: 2");
        try (ServedModel cold = ModelFolder.load("w", "1", repo.resolve("w"), 2, 0);
             ServedModel warm = ModelFolder.load("w", "1", repo.resolve("w"), 2, 2)) {
            for (int threads : new int[] {1, 2}) {
                float[] want = answer(cold, threads);
                float[] got = answer(warm, threads);
                assertTrue(java.util.Arrays.equals(want, got), "runs on zeros at load must not change an answer (" + threads + " threads)");
            }
        }
    }

    private static float[] answer(ServedModel t, int threads) throws Exception {
        Tensor x = Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 2, 128, 512);
        float[] a = (float[]) x.array();
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 97) / 97f - 0.5f;
        }
        InferRequest r = Admission.admit(t, "", Map.of("x", x), null, 0, 0, 0);
        t.execute(Fixtures.running(t, r), threads);
        Tensor out = r.result().get().outputs().values().iterator().next();
        return java.util.Arrays.copyOfRange((float[]) out.array(), out.offset(), out.offset() + out.size());
    }
    @Test
    void aRequestIsNoLongerCountedAheadOnceItsAnswerOrFailureGoesOut(@TempDir Path repo) throws Exception {
        try (ServedModel t = tenant(repo, "s", "max_batch_size: 4")) {
            InferRequest good = request(t, 0, 0);
            InferRequest bad = Admission.admit(t, "", Map.of("x", Tensor.allocate(dev.cotenant.ir.DataType.FLOAT, 1, 7)), null, 0, 0, 0);
            for (InferRequest r : List.of(good, bad)) {
                java.util.concurrent.atomic.AtomicInteger ahead = new java.util.concurrent.atomic.AtomicInteger(-1);
                r.result().whenComplete((ok, failed) -> ahead.set(t.stats().inFlight())); // runs as it is completed
                Fixtures.running(t, r);
                assertEquals(1, t.stats().inFlight());
                t.execute(List.of(r), 1);
                assertEquals(0, ahead.get(), "a client holding its answer found it still ahead of its next request");
                t.failUnanswered(List.of(r)); // what a scheduler does when the run ends: nothing left to end
                assertEquals(0, t.stats().inFlight(), "settled once, not twice");
            }
            assertFalse(good.result().isCompletedExceptionally(), "the good request was answered");
            assertTrue(bad.result().isCompletedExceptionally(), "the bad one (7 values for 16) failed");
        }
    }
    @Test
    void theOneThreadEstimateIgnoresRunsOnSeveralThreadsOnceItHasOne(@TempDir Path repo) throws Exception {
        try (ServedModel t = tenant(repo, "e1", "max_batch_size: 4")) {
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
}
