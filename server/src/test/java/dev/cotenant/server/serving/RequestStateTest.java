package dev.cotenant.server.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.server.Fixtures;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.repository.ModelFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request's lifecycle: the moves it has, the moves it refuses, and that its final states stay final. */
class RequestStateTest {

    @TempDir
    static Path repo;
    static ServedModel model;

    @BeforeAll
    static void load() throws Exception {
        Fixtures.put(repo, "m", Fixtures.tiny(), "max_batch_size: 4");
        model = ModelFolder.load("m", "1", repo.resolve("m"), 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static InferRequest request(String id) {
        return Admission.admit(model, id, Map.of("x", Tensor.allocate(DataType.FLOAT, 1, 16)), null, 0, 0, System.nanoTime());
    }

    /** The moves drawn in {@link RequestState}'s diagram, and no others. */
    private static final Map<RequestState, Set<RequestState>> DRAWN = Map.of(
            RequestState.QUEUED, EnumSet.of(RequestState.ADMITTED, RequestState.REFUSED, RequestState.TIMED_OUT),
            RequestState.ADMITTED, EnumSet.of(RequestState.RUNNING, RequestState.FAILED),
            RequestState.RUNNING, EnumSet.of(RequestState.ANSWERED, RequestState.FAILED),
            RequestState.ANSWERED, EnumSet.noneOf(RequestState.class),
            RequestState.REFUSED, EnumSet.noneOf(RequestState.class),
            RequestState.FAILED, EnumSet.noneOf(RequestState.class),
            RequestState.TIMED_OUT, EnumSet.noneOf(RequestState.class));

    /** A fresh request moved along legal moves to {@code s}. */
    private static InferRequest in(RequestState s) {
        InferRequest r = request("r");
        List<RequestState> path = switch (s) {
            case QUEUED -> List.of();
            case ADMITTED -> List.of(RequestState.ADMITTED);
            case RUNNING -> List.of(RequestState.ADMITTED, RequestState.RUNNING);
            case ANSWERED -> List.of(RequestState.ADMITTED, RequestState.RUNNING, RequestState.ANSWERED);
            case REFUSED -> List.of(RequestState.REFUSED);
            case FAILED -> List.of(RequestState.ADMITTED, RequestState.FAILED);
            case TIMED_OUT -> List.of(RequestState.TIMED_OUT);
        };
        for (RequestState step : path) {
            assertTrue(r.moveTo(step), "the path to " + s + " moves through " + step);
        }
        assertEquals(s, r.state());
        return r;
    }

    @Test
    void everyMoveOfTheDiagramIsTakenAndEveryOtherRefused() {
        for (RequestState from : RequestState.values()) {
            assertEquals(DRAWN.get(from), from.next().isEmpty() ? EnumSet.noneOf(RequestState.class) : EnumSet.copyOf(from.next()), from.name());
            assertEquals(DRAWN.get(from).isEmpty(), from.terminal(), from + " is final exactly when nothing follows it");
            for (RequestState to : RequestState.values()) {
                InferRequest r = in(from);
                int flying = model.stats().inFlight();
                if (DRAWN.get(from).contains(to)) {
                    assertTrue(r.moveTo(to), from + " -> " + to);
                    assertEquals(to, r.state());
                } else if (from.terminal() && to.terminal()) {
                    assertFalse(r.moveTo(to), from + " is final: a later end changes nothing");
                    assertEquals(from, r.state());
                } else {
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.moveTo(to), from + " -> " + to);
                    assertTrue(e.getMessage().startsWith("request 'r' of model 'm' cannot go from " + from + " to " + to), e.getMessage());
                    assertEquals(from, r.state(), "a refused move leaves the request where it was");
                }
                int counted = (r.state() == RequestState.RUNNING ? 1 : 0) - (from == RequestState.RUNNING ? 1 : 0);
                assertEquals(flying + counted, model.stats().inFlight(), "in flight exactly while running: " + from + " -> " + to);
                if (r.state() == RequestState.RUNNING) {
                    r.moveTo(RequestState.FAILED); // leave nothing counted for the next pair
                }
            }
        }
    }

    @Test
    void theQueueAdmitsTimesOutAndRefusesAndTheModelRunsAndAnswers() {
        InferRequest answered = request("a");
        List<InferRequest> batch = Fixtures.running(model, answered);
        assertEquals(RequestState.RUNNING, answered.state());
        assertEquals(1, model.stats().inFlight());
        model.execute(batch, 1);
        assertEquals(RequestState.ANSWERED, answered.state());
        assertEquals(0, model.stats().inFlight());
        assertTrue(answered.result().isDone() && !answered.result().isCompletedExceptionally());

        InferRequest late = Admission.admit(model, "t", Map.of("x", Tensor.allocate(DataType.FLOAT, 1, 16)), null, 0, 1, 0);
        assertTrue(model.queue().offer(late));
        assertEquals(1, model.queue().expire(1_000_000));
        assertEquals(RequestState.TIMED_OUT, late.state());
        assertTrue(late.result().isCompletedExceptionally());

        long refusedBefore = model.stats().failures(InferError.Kind.OVERLOADED);
        InferRequest turned = request("o");
        InferError why = new InferError(InferError.Kind.OVERLOADED, "full");
        assertEquals(why, turned.refuse(why));
        assertEquals(RequestState.REFUSED, turned.state());
        assertEquals(refusedBefore + 1, model.stats().failures(InferError.Kind.OVERLOADED));
    }

    @Test
    void finalStatesStayFinal() throws Exception {
        InferRequest r = in(RequestState.ANSWERED);
        long failed = model.stats().failureTotal();
        assertFalse(r.fail(new InferError(InferError.Kind.INTERNAL, "too late")), "an answered request cannot fail");
        assertEquals(RequestState.ANSWERED, r.state());
        assertEquals(failed, model.stats().failureTotal(), "a refused end is not counted");
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> r.moveTo(RequestState.RUNNING));
        assertEquals("request 'r' of model 'm' cannot go from ANSWERED to RUNNING (ANSWERED is final)", again.getMessage());
        IllegalStateException early = assertThrows(IllegalStateException.class, () -> request("q").moveTo(RequestState.ANSWERED));
        assertEquals("request 'q' of model 'm' cannot go from QUEUED to ANSWERED (from QUEUED it goes to [ADMITTED, REFUSED, TIMED_OUT])",
                early.getMessage());
    }

    @Test
    void ofThreadsRacingToEndARunningRequestExactlyOneDoesAndItLeavesFlightOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            InferRequest r = in(RequestState.RUNNING);
            int flying = model.stats().inFlight();
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger won = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RequestState end = i % 2 == 0 ? RequestState.ANSWERED : RequestState.FAILED;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (r.moveTo(end)) {
                        won.incrementAndGet();
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(1, won.get(), "one end wins");
            assertTrue(r.state().terminal());
            assertEquals(flying - 1, model.stats().inFlight(), "left flight once");
        }
    }
}
