package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission control, timeouts, batching and draining on a live server, with a model slow enough
 * that queues really fill. Bounded: a few dozen requests, loopback only.
 */
class SchedulingTest {

    private static final String SLOW_CONFIG = """
            max_batch_size: 1
            dynamic_batching { default_queue_policy { max_queue_size: 2 allow_timeout_override: true } }
            """;

    @Test
    void aFullQueueRefusesAtOnceAndAdmittedRequestsComplete(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "slow", Fixtures.slow(8), SLOW_CONFIG);
        try (Server s = Server.start(Fixtures.options(repo))) {
            Object[] body = Fixtures.slowBody(Map.of());
            List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 12; i++) {
                calls.add(Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) body[0], (int) body[1])
                        .whenComplete((r, e) -> order.add(e != null ? "error" : Integer.toString(r.statusCode()))));
            }
            int ok = 0;
            int refused = 0;
            for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
                HttpResponse<byte[]> r = c.get();
                String text = new String(r.body(), StandardCharsets.UTF_8);
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(503, r.statusCode(), text);
                    assertTrue(text.contains("queue of model 'slow' is full (2 requests waiting)"), text);
                    refused++;
                }
            }
            assertEquals(12, ok + refused);
            assertTrue(ok >= 1 && refused >= 1, "ok " + ok + ", refused " + refused);
            List<String> seen = List.copyOf(order);
            assertTrue(seen.indexOf("503") < seen.lastIndexOf("200"), "refusals come before the admitted work ends: " + seen);
            String metrics = Fixtures.get(s, "/metrics").body();
            assertEquals(refused, Fixtures.metric(metrics, "nv_inference_request_failure{model=\"slow\",reason=\"queue_full\",version=\"1\"}"), metrics);
        }
    }

    @Test
    void sloAdmissionRefusesWhatWouldMissAndNeverLocksATenantOut(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "slow", Fixtures.slow(8), "max_batch_size: 1\nparameters { key: \"slo_ms\" value { string_value: \"1\" } }");
        try (Server s = Server.start(Fixtures.options(repo))) {
            Object[] body = Fixtures.slowBody(Map.of());
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    calls.add(Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) body[0], (int) body[1]));
                }
                int ok = 0;
                for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
                    HttpResponse<byte[]> r = c.get();
                    String text = new String(r.body(), StandardCharsets.UTF_8);
                    if (r.statusCode() == 200) {
                        ok++;
                    } else {
                        assertEquals(503, r.statusCode(), text);
                    }
                }
                // after a burst, an idle tenant admits again: a stale estimate never locks it out
                assertTrue(ok >= 1, "round " + round + ": nothing admitted");
                assertEquals(200, Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) body[0], (int) body[1]).get().statusCode());
            }
            String metrics = Fixtures.get(s, "/metrics").body();
            assertTrue(Fixtures.metric(metrics, "nv_inference_request_failure{model=\"slow\",reason=\"queue_full\",version=\"1\"}") >= 1,
                    "the 1 ms SLO refused part of the bursts");
        }
    }

    @Test
    void aRequestPastItsTimeoutIsFailedNotRun(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "slow", Fixtures.slow(8), "max_batch_size: 1");
        try (Server s = Server.start(Fixtures.options(repo))) {
            Object[] body = Fixtures.slowBody(Map.of());
            CompletableFuture<HttpResponse<byte[]>> first = Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) body[0], (int) body[1]);
            CompletableFuture<HttpResponse<byte[]>> second = Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) body[0], (int) body[1]);
            Object[] hurried = Fixtures.slowBody(Map.of("timeout", 1000));
            HttpResponse<byte[]> r = Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) hurried[0], (int) hurried[1]).get();
            String text = new String(r.body(), StandardCharsets.UTF_8);
            assertEquals(200, first.get().statusCode());
            assertEquals(200, second.get().statusCode());
            // the hurried one either timed out in the queue or, if the lane was free, ran: never lost
            if (r.statusCode() != 200) {
                assertEquals(503, r.statusCode(), text);
                assertTrue(text.contains("timed out"), text);
            }
        }
    }

    @Test
    void waitingRequestsAreBatched(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 8 dynamic_batching { max_queue_delay_microseconds: 200000 }");
        try (Server s = Server.start(Fixtures.options(repo))) {
            List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
            byte[] json = Fixtures.tinyBody().getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 8; i++) {
                calls.add(Fixtures.HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(Fixtures.uri(s, "/v2/models/tiny/infer"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(json)).build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
                assertEquals(200, c.get().statusCode());
            }
            var stats = Fixtures.JSON.readTree(Fixtures.get(s, "/v2/models/tiny/stats").body()).get("model_stats").get(0);
            assertEquals(8, stats.get("inference_count").asLong());
            assertTrue(stats.get("execution_count").asLong() < 8, "8 requests within the batching delay share executions: " + stats);
        }
    }

    @Test
    void shutdownDrainsInFlightRequests(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "slow", Fixtures.slow(4), "max_batch_size: 1");
        Server s = Server.start(Fixtures.options(repo));
        Object[] body = Fixtures.slowBody(Map.of());
        List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) body[0], (int) body[1]));
        }
        // every request admitted (queued, running or already answered: on a slow machine the first
        // can finish before the last arrives, so pending alone may never reach 4)
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (s.scheduler.pending() + calls.stream().filter(CompletableFuture::isDone).count() < 4) {
            assertTrue(System.nanoTime() < deadline, "the 4 requests were not all admitted within 30 s");
            Thread.sleep(1);
        }
        s.close();
        for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
            assertEquals(200, c.get().statusCode());
        }
    }

    @Test
    void multistreamServesEveryModelOnItsOwnStream(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        Fixtures.put(repo, "doubler", Fixtures.doubler(), null);
        try (Server s = Server.start(Fixtures.options(repo).withPolicy(new dev.cotenant.sched.policy.Policy.Multistream(false)))) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
                assertEquals(200, Fixtures.post(s, "/v2/models/doubler/infer",
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"INT64\",\"data\":[1,2,3]}]}").status());
            }
            var state = Fixtures.JSON.readTree(Fixtures.get(s, "/dashboard/state").body());
            assertEquals("multistream", state.get("policy").asText());
            java.util.Set<Integer> lanes = new java.util.HashSet<>();
            state.get("runs").forEach(r -> lanes.add(r.get("lane").asInt()));
            assertEquals(2, lanes.size(), "one lane per model: " + state.get("runs"));
        }
    }

    /** Whether any two of the model's recent executions (from the dashboard's state) overlapped in time. */
    private static boolean overlapped(Server s, String model) throws Exception {
        List<double[]> spans = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : Fixtures.JSON.readTree(Fixtures.get(s, "/dashboard/state").body()).path("runs")) {
            if (r.path("model").asText().equals(model)) {
                spans.add(new double[] {r.path("start_ms").asDouble(), r.path("end_ms").asDouble()});
            }
        }
        for (int i = 0; i < spans.size(); i++) {
            for (int j = i + 1; j < spans.size(); j++) {
                if (spans.get(i)[0] < spans.get(j)[1] && spans.get(j)[0] < spans.get(i)[1]) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void instanceGroupCountIsHowManyBatchesOfAModelRunAtOnce(@TempDir Path repo) throws Exception {
        for (int count : new int[] {2, 1}) {
            Fixtures.put(repo, "slow", Fixtures.slow(16), "max_batch_size: 1\ninstance_group [ { count: " + count + " kind: KIND_CPU } ]");
            try (Server s = Server.start(Fixtures.options(repo))) {
                Object[] body = Fixtures.slowBody(Map.of());
                List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    calls.add(Fixtures.postAsync(s, "/v2/models/slow/infer", (byte[]) body[0], (int) body[1]));
                }
                for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
                    assertEquals(200, c.get().statusCode());
                }
                assertEquals(count == 2, overlapped(s, "slow"), count + " instance(s): batches of the model overlapped or not");
            }
        }
    }
}
