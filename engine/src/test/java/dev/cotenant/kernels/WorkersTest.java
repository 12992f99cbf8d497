package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkersTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        try (Workers w = Workers.create(2)) {
            for (int n : new int[] {1, 2, 7, 64, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                w.parallelFor(n, 1, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i), "index " + i + " of " + n);
                }
            }
        }
    }

    @Test
    void aRestingPoolWakesForTheNextLoopAndItsHelperTakesPart() throws Exception {
        try (Workers w = Workers.create(2)) {
            Set<String> names = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 50 && !names.stream().anyMatch(n -> n.startsWith("cotenant-worker")); round++) {
                w.rest();
                Thread.sleep(2);
                w.parallelFor(8, 1, (s, e) -> {
                    names.add(Thread.currentThread().getName());
                    long until = System.nanoTime() + 200_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
            }
            assertTrue(names.stream().anyMatch(n -> n.startsWith("cotenant-worker")),
                    "the helper never ran a chunk after rest(): " + names);
        }
    }

    @Test
    void anIdlePoolsHelpersWaitWithoutATimer() throws Exception {
        try (Workers w = Workers.create(3)) {
            w.parallelFor(64, 1, (s, e) -> { });
            w.rest();
            long until = System.nanoTime() + 5_000_000_000L;
            Thread.State[] states = w.helperStates();
            while (System.nanoTime() < until && !java.util.Arrays.stream(states).allMatch(st -> st == Thread.State.WAITING)) {
                Thread.sleep(5);
                states = w.helperStates();
            }
            assertTrue(java.util.Arrays.stream(states).allMatch(st -> st == Thread.State.WAITING),
                    "idle helpers should park until the next loop, not wake on a timer: " + java.util.Arrays.toString(states));
            AtomicIntegerArray seen = new AtomicIntegerArray(64);
            w.parallelFor(64, 1, (s, e) -> {
                for (int i = s; i < e; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 64; i++) {
                assertEquals(1, seen.get(i), "index " + i + " after the helpers parked");
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownToTheCaller() {
        try (Workers w = Workers.create(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.parallelFor(16, 1, (s, x) -> {
                if (s == 0) {
                    throw new IllegalStateException("chunk 0 failed");
                }
            }));
            assertEquals("chunk 0 failed", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(4);
            w.parallelFor(4, 1, (s, x) -> seen.incrementAndGet(s));
            assertEquals(4, seen.get(0) + seen.get(1) + seen.get(2) + seen.get(3), "the pool serves the next loop");
        }
    }
}
