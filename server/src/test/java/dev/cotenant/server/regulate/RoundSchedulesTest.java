package dev.cotenant.server.regulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.server.Fixtures;
import dev.cotenant.server.repository.ModelFolder;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU regulator's searched round schedules: when keys are searched, and that rounds under them answer as solo runs do. */
class RoundSchedulesTest {

    private static ServedModel slow(Path repo, String name) throws Exception {
        Fixtures.put(repo, name, Fixtures.slow(2), "max_batch_size: 2");
        return ModelFolder.load(name, "1", repo.resolve(name), 2);
    }

    private static InferRequest request(ServedModel t, long seed) {
        Tensor x = Tensor.allocate(DataType.FLOAT, 1, 128, 512);
        float[] a = (float[]) x.array();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return Admission.admit(t, "", Map.of("x", x), null, 0, 0, System.nanoTime());
    }

    private static float[] output(InferRequest r) throws Exception {
        Tensor out = r.result().get(30, TimeUnit.SECONDS).outputs().values().iterator().next();
        float[] all = (float[]) out.array();
        return java.util.Arrays.copyOfRange(all, out.offset(), out.offset() + out.size());
    }

    /**
     * The request's output computed alone, on one thread, as the safe policy would; computed
     * directly, not through the model's queue, which a regulator still running may be watching.
     */
    private static float[] solo(ServedModel t, InferRequest like, long seed) {
        InferRequest again = request(t, seed);
        Tensor out = t.compute(List.of(again), 1, 0).outputs().getFirst().values().iterator().next();
        float[] all = (float[]) out.array();
        return java.util.Arrays.copyOfRange(all, out.offset(), out.offset() + out.size());
    }

    @Test
    void aRoundUnderASearchedScheduleAnswersEachRequestAsItsSoloRun(@TempDir Path repo) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ServedModel a = slow(repo, "a"); ServedModel b = slow(repo, "b");
             RoundSchedules rs = new RoundSchedules(new CpuDevice(2), 0.5, 1, 4, log::add)) {
            InferRequest ra = request(a, 1);
            InferRequest rb1 = request(b, 2);
            InferRequest rb2 = request(b, 3);
            List<RoundSchedules.Member> members = List.of(
                    new RoundSchedules.Member(a, a.typesOf(List.of(ra))), new RoundSchedules.Member(b, b.typesOf(List.of(rb1, rb2))));
            RoundSchedules.Installed round = rs.search(RoundSchedules.key(members), members);
            assertNotNull(round, "searched: " + log);
            assertTrue(log.getLast().contains("round schedule for [a:1[float[1,128,512]] + b:1[float[2,128,512]]]: streams "), log.getLast());
            assertEquals(round, rs.lookup(List.of(members.get(1), members.get(0))), "the key does not depend on the order");

            Fixtures.running(a, ra);
            Fixtures.running(b, rb1, rb2);
            a.bind(round.plans.get(0).plan(), List.of(ra));
            b.bind(round.plans.get(1).plan(), List.of(rb1, rb2));
            round.run();
            long t = System.nanoTime();
            a.finish(round.plans.get(0).plan(), List.of(ra), round.plans.get(0).plan().outputs(), t, t, 2);
            b.finish(round.plans.get(1).plan(), List.of(rb1, rb2), round.plans.get(1).plan().outputs(), t, t, 2);
            // A split changes the order of a sum, so equal within 1e-5 rather than bitwise.
            assertClose(solo(a, ra, 1), output(ra));
            assertClose(solo(b, rb1, 2), output(rb1));
            assertClose(solo(b, rb2, 3), output(rb2));
        }
    }

    /** Waits (bounded) until the regulator's last batch has given its cores back. */
    private static void awaitIdle(RegulatedScheduler regulator) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!regulator.idle()) {
            assertTrue(System.nanoTime() < deadline, "the regulator stays busy");
            Thread.sleep(1);
        }
    }

    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5f * Math.max(1, Math.abs(want[i])), "element " + i);
        }
    }

    @Test
    void aKeyIsSearchedOnceItHasComeUpEnoughAndNoMoreKeysThanTheBound(@TempDir Path repo) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ServedModel a = slow(repo, "a"); ServedModel b = slow(repo, "b");
             RoundSchedules rs = new RoundSchedules(new CpuDevice(2), 0.3, 3, 1, log::add)) {
            List<RoundSchedules.Member> one = List.of(new RoundSchedules.Member(a, a.typesOf(List.of(request(a, 1)))),
                    new RoundSchedules.Member(b, b.typesOf(List.of(request(b, 2)))));
            List<RoundSchedules.Member> two = List.of(new RoundSchedules.Member(a, a.typesOf(List.of(request(a, 1), request(a, 3)))),
                    new RoundSchedules.Member(b, b.typesOf(List.of(request(b, 2)))));
            assertNull(rs.lookup(one));
            assertNull(rs.lookup(one));
            assertTrue(log.isEmpty(), "seen twice of three: not searched yet");
            assertNull(rs.lookup(one), "the third sighting starts the search and still runs safe");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (rs.installedKeys() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, rs.installedKeys(), "installed in the background: " + log);
            assertNotNull(rs.lookup(one));
            for (int i = 0; i < 5; i++) {
                assertNull(rs.lookup(two), "over the bound of one key: never searched");
            }
            Thread.sleep(200);
            assertEquals(2, log.size(), "searching, then installed: " + log);
            rs.forget(b);
            assertNull(rs.lookup(one), "unloading a member forgets the schedule");
            assertEquals(0, rs.installedKeys());
        }
    }

    @Test
    void theRegulatorRunsReadyTenantsTogetherUnderTheSchedule(@TempDir Path repo) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        RoundSchedules rs = new RoundSchedules(new CpuDevice(2), 0.5, 2, 4, log::add);
        RegulatedScheduler regulator = new RegulatedScheduler(2, 4, new Executions(256), mix -> SafeRounds.INSTANCE, rs);
        try (ServedModel a = slow(repo, "a"); ServedModel b = slow(repo, "b")) {
            regulator.add(a);
            regulator.add(b);
            List<InferRequest> sent = new ArrayList<>();
            List<Long> seeds = new ArrayList<>();
            long deadline = System.nanoTime() + 60_000_000_000L;
            long seed = 100;
            // Keep both queues fed until rounds have run under a searched schedule (bounded).
            while (regulator.scheduledRounds() < 3 && System.nanoTime() < deadline) {
                for (ServedModel t : List.of(a, b)) {
                    if (t.queue().size() < 2) {
                        InferRequest r = request(t, seed);
                        regulator.enqueue(r);
                        sent.add(r);
                        seeds.add(seed++);
                    }
                }
                Thread.sleep(1);
            }
            assertTrue(regulator.scheduledRounds() >= 3, "rounds under a searched schedule: " + regulator.scheduledRounds() + "; " + log);
            List<float[]> outs = new ArrayList<>();
            for (InferRequest r : sent) {
                outs.add(output(r)); // all answered before any solo run: a tenant's plans are single-threaded
            }
            for (int i = 0; i < sent.size(); i++) {
                InferRequest r = sent.get(i);
                assertClose(solo(r.model(), r, seeds.get(i)), outs.get(i));
            }
        } finally {
            regulator.stop(java.time.Duration.ofSeconds(5));
        }
    }
    @Test
    void anIdleDeviceHoldsALoneRequestForTheRestOfAScheduledRound(@TempDir Path repo) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        RoundSchedules rs = new RoundSchedules(new CpuDevice(2), 0.5, 1_000, 4, log::add);
        RegulatedScheduler regulator = new RegulatedScheduler(2, 4, new Executions(256), mix -> SafeRounds.INSTANCE, rs);
        // Wide enough that the second request always comes within it, narrow enough that a tenant
        // held for it is still active (a request in the last second) when the frame comes.
        regulator.gatherWindow(java.time.Duration.ofMillis(200));
        try (ServedModel a = slow(repo, "ga"); ServedModel b = slow(repo, "gb")) {
            regulator.add(a);
            regulator.add(b);
            InferRequest probeA = request(a, 1);
            InferRequest probeB = request(b, 2);
            List<RoundSchedules.Member> members = List.of(new RoundSchedules.Member(a, a.typesOf(List.of(probeA))),
                    new RoundSchedules.Member(b, b.typesOf(List.of(probeB))));
            assertTrue(rs.search(RoundSchedules.key(members), members) != null, "a schedule for a + b: " + log);

            // b has never had a request: nothing to wait for, a runs at once and alone
            InferRequest alone = request(a, 3);
            regulator.enqueue(alone);
            float[] aloneOut = output(alone);
            // a is active now: b alone is held for at most the window, then runs alone
            InferRequest aloneB = request(b, 4);
            regulator.enqueue(aloneB);
            float[] aloneBOut = output(aloneB);
            assertEquals(0, regulator.scheduledRounds());
            awaitIdle(regulator);

            // a frame: both arrive a moment apart on the idle device and run as one scheduled round
            InferRequest ra = request(a, 5);
            InferRequest rb = request(b, 6);
            regulator.enqueue(ra);
            regulator.enqueue(rb);
            float[] raOut = output(ra);
            float[] rbOut = output(rb);
            awaitIdle(regulator); // answers go out as each tenant's part of the round ends, before the round is counted
            assertEquals(1, regulator.scheduledRounds(), "the frame ran under the searched schedule: " + log);

            // b active but silent now: a is held for at most the window, then runs alone
            InferRequest late = request(a, 7);
            regulator.enqueue(late);
            float[] lateOut = output(late);
            awaitIdle(regulator);
            assertEquals(1, regulator.scheduledRounds());

            // every answer equals its solo run (computed once the regulator is idle: plans are single-threaded)
            assertClose(solo(a, alone, 3), aloneOut);
            assertClose(solo(b, aloneB, 4), aloneBOut);
            assertClose(solo(a, ra, 5), raOut);
            assertClose(solo(b, rb, 6), rbOut);
            assertClose(solo(a, late, 7), lateOut);
        } finally {
            regulator.stop(java.time.Duration.ofSeconds(5));
        }
    }
}
