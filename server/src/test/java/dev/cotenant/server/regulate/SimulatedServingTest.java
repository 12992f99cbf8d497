package dev.cotenant.server.regulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.GpuSheet;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.Lowering;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Planner;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.server.Fixtures;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.ModelInferRequest;
import dev.cotenant.server.wire.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving on a simulated GPU: real servers on loopback with {@code --device sim:GPU}. */
class SimulatedServingTest {

    @TempDir
    Path repo;

    /** The test server's options on the simulated GPU {@code spec}, answering as {@code outputs} says (null: real). */
    private ServerOptions onSim(String spec, String outputs) {
        return Fixtures.options(repo).withDevice(Device.parse(spec, null)).withSimOutputs(SimOutputs.parse(outputs));
    }

    private static double[] outputOf(Fixtures.Reply r) throws Exception {
        JsonNode n = Fixtures.JSON.readTree(r.body());
        JsonNode data = n.path("outputs").get(0).path("data");
        double[] y = new double[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = data.get(i).asDouble();
        }
        return y;
    }

    @Test
    void realOutputsOnTheSimulatedGpuEqualTheCpuDevice() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 4");
        double[] cpu;
        try (Server s = Server.start(Fixtures.options(repo))) {
            cpu = outputOf(Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody()));
        }
        try (Server s = Server.start(onSim("sim:h200", null))) {
            Fixtures.Reply r = Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody());
            assertEquals(200, r.status(), r.body());
            assertArrayEquals(cpu, outputOf(r));
            assertFalse(r.body().contains("simulated_outputs"), r.body());
            assertEquals(16, cpu.length);
            assertEquals(2.0, cpu[1]); // relu(1 + 1)
            // the device's counters come from the simulated timeline
            String metrics = Fixtures.get(s, "/metrics").body();
            assertTrue(metrics.contains("nv_gpu_utilization{gpu=\"H200\"}"), metrics);
            assertTrue(metrics.contains("cotenant_gpu_busy_seconds_total"), metrics);
            JsonNode state = Fixtures.JSON.readTree(Fixtures.get(s, "/dashboard/state").body());
            assertTrue(state.path("device").asText().startsWith("sim:h200 (H200, fp16"), state.toString());
            assertTrue(state.has("gpu_utilization"), state.toString());
        }
    }

    @Test
    void withoutOutputsTheAnswerIsZerosOfTheRightShapeAndSaysSoOnBothFronts() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 4");
        Fixtures.put(repo, "doubler", Fixtures.doubler(), "max_batch_size: 4");
        try (Server s = Server.start(onSim("sim:h200", "none"))) {
            Fixtures.Reply r = Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody());
            assertEquals(200, r.status(), r.body());
            JsonNode n = Fixtures.JSON.readTree(r.body());
            assertTrue(n.path("parameters").path("simulated_outputs").asBoolean(false), r.body());
            JsonNode out = n.path("outputs").get(0);
            assertEquals("FP32", out.path("datatype").asText());
            assertEquals("[1,16]", out.path("shape").toString());
            assertArrayEquals(new double[16], outputOf(r));

            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                ModelInferResponse g = GRPCInferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .modelInfer(ModelInferRequest.newBuilder().setModelName("doubler")
                                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("INT64").addShape(2).addShape(3))
                                .addRawInputContents(ByteString.copyFrom(new byte[2 * 3 * 8])).build());
                assertTrue(g.getParametersMap().get("simulated_outputs").getBoolParam());
                assertEquals("INT64", g.getOutputs(0).getDatatype());
                assertEquals(List.of(2L, 3L), g.getOutputs(0).getShapeList());
                assertEquals(2 * 3 * 8, g.getRawOutputContents(0).size());
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The H200 sheet with every launch costing {@code launchUs}: a much slower device. */
    private Path slowSheet(double launchUs) throws Exception {
        String text;
        try (InputStream in = GpuSheet.class.getResourceAsStream("gpus/h200.gpu")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path p = repo.getParent().resolve("slow-" + System.nanoTime() + ".gpu");
        Files.writeString(p, text.replaceAll("(?m)^launch_us = .*$", "launch_us = " + launchUs).replaceAll("(?m)^name = .*$", "name = SLOW"));
        return p;
    }

    /** The simulated time of one tiny batch of one sample alone on {@code gpu}, in milliseconds. */
    private static double simulatedMs(Gpu gpu) {
        Map<String, TensorType> types = Map.of("x", new TensorType(dev.cotenant.ir.DataType.FLOAT, Shape.of(1, 16)));
        var plan = Planner.plan(Passes.optimize(Fixtures.tiny(), types), types, Workers.single());
        LoweredModel m = Lowering.lower("tiny", plan, Precision.FP16, gpu, Lowering.Fusion.ENGINE);
        return SimulatedRound.run(new SimulatedGpu("sim", gpu, Precision.FP16), RoundSharing.SEQUENTIAL, List.of(m)).makespanUs() / 1000;
    }

    private static double medianLatencyMs(Server s, int n) throws Exception {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            assertEquals(200, Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody()).status());
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[n / 2];
    }

    @Test
    void latencyFollowsTheSimulatedDevice() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 4");
        Path sheet = slowSheet(30_000);
        double slowSim = simulatedMs(Gpu.load(sheet.toString()));
        double fastSim = simulatedMs(Gpu.load("h200"));
        assertTrue(slowSim >= 30 && fastSim < 1, "simulated " + slowSim + " ms and " + fastSim + " ms");
        double slow;
        double fast;
        try (Server s = Server.start(onSim("sim:" + sheet, "none"))) {
            slow = medianLatencyMs(s, 5);
        }
        try (Server s = Server.start(onSim("sim:h200", "none"))) {
            fast = medianLatencyMs(s, 5);
        }
        // a request waits for its simulated end, paced on the wall clock, and not much longer
        assertTrue(slow >= slowSim, "slow sheet: " + slow + " ms measured, " + slowSim + " ms simulated");
        assertTrue(slow < slowSim + 200, "slow sheet: " + slow + " ms measured, " + slowSim + " ms simulated");
        assertTrue(fast < slow - slowSim / 2, "h200 " + fast + " ms, slow sheet " + slow + " ms");
    }

    @Test
    void theRegulatorRefusesAtOnceWhatTheSimulatedDeviceCannotFinishWithinTheSlo() throws Exception {
        // rounds of one sample, each at least 30 ms on the slowed sheet; an SLO of 40 ms leaves 20 ms of wait
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 1 parameters { key: \"slo_ms\" value { string_value: \"40\" } }");
        Path sheet = slowSheet(30_000);
        try (Server s = Server.start(onSim("sim:" + sheet, "none"))) {
            assertEquals(200, Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody()).status()); // measures the device
            List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                burst.add(Fixtures.HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(Fixtures.uri(s, "/v2/models/tiny/infer"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Fixtures.tinyBody())).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int refused = 0;
            for (var f : burst) {
                var r = f.get(30, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    assertTrue(r.body().contains("is overloaded: a request now would wait about"), r.body());
                    refused++;
                }
            }
            assertTrue(ok >= 1 && refused >= 1, ok + " answered, " + refused + " refused");
        }
    }

    @Test
    void theRegulatorRanksTheMechanismsAndGacerForAMixAndKeepsTheBest() {
        Gpu gpu = Gpu.load("h200");
        List<LoweredModel> batches = new ArrayList<>();
        for (int rows : new int[] {1, 4}) {
            Map<String, TensorType> types = Map.of("x", new TensorType(dev.cotenant.ir.DataType.FLOAT, Shape.of(rows, 128, 512)));
            var plan = Planner.plan(Passes.optimize(Fixtures.slow(3), types), types, Workers.single());
            batches.add(Lowering.lower("slow" + rows, plan, Precision.FP16, gpu, Lowering.Fusion.ENGINE));
        }
        SimulatedGpu device = new SimulatedGpu("sim:h200", gpu, Precision.FP16);
        SharingChoice choice = new SharingChoice(device);
        try {
            assertEquals(RoundSharing.SEQUENTIAL, choice.forRound("k", batches), "the safe sharing while the search runs");
            SharingChoice.Ranked best = choice.rank(batches);
            for (RoundSharing s : List.of(RoundSharing.SEQUENTIAL, RoundSharing.MULTISTREAM)) {
                assertTrue(best.round().makespanUs() <= SimulatedRound.run(device, s, batches).makespanUs() + 1e-9, s.name());
            }
            // a schedule searched by gacer runs through the same round: each batch's end is found by its kernels' tags
            var searched = dev.cotenant.sched.policy.GpuGacer.regulate("t", gpu, SimulatedRound.named(batches),
                    dev.cotenant.gpusim.sim.Sharing.SHARED, 1, SharingChoice.SEARCH, p -> {});
            SimulatedRound g = SimulatedRound.run(device, new RoundSharing.Scheduled("gacer", searched.schedule()), batches);
            assertTrue(g.endUs()[0] > 0 && g.endUs()[1] > 0 && Math.max(g.endUs()[0], g.endUs()[1]) <= g.makespanUs() + 1e-9,
                    Arrays.toString(g.endUs()) + " within " + g.makespanUs());
            assertTrue(best.round().makespanUs() <= g.makespanUs() + 1e-9, "the choice is never slower than gacer's");
            SimulatedRound r = best.round();
            assertEquals(2, r.endUs().length);
            assertTrue(r.endUs()[0] > 0 && r.endUs()[1] > 0 && Math.max(r.endUs()[0], r.endUs()[1]) <= r.makespanUs() + 1e-9,
                    Arrays.toString(r.endUs()) + " within " + r.makespanUs());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (choice.chosen("k") == null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(best.sharing().name(), choice.chosen("k").name());
            assertEquals(best.sharing().name(), choice.forRound("k", batches).name());
        } finally {
            choice.stop();
        }
    }

    @Test
    void badDeviceValuesAreOneClearError() {
        assertEquals("--device 'gpu:h200': expected cpu or sim:GPU, where GPU is a built-in sheet (v100, a100, h100, h200, l4, t4) or a .gpu sheet file",
                assertThrows(ModelException.class, () -> Device.parse("gpu:h200", null)).getMessage());
        assertTrue(assertThrows(ModelException.class, () -> Device.parse("sim:", null)).getMessage().startsWith("--device 'sim:': expected cpu or sim:GPU"));
        String nosuch = assertThrows(ModelException.class, () -> Device.parse("sim:b300", null)).getMessage();
        assertTrue(nosuch.startsWith("--device 'sim:b300': no GPU named 'b300'"), nosuch);
        assertTrue(assertThrows(ModelException.class, () -> Device.parse("sim:h200", "fp8")).getMessage()
                .startsWith("--precision: unknown precision 'fp8'"));
        assertTrue(assertThrows(ModelException.class, () -> SimOutputs.parse("maybe")).getMessage()
                .startsWith("--sim-outputs 'maybe': expected real"));
        assertTrue(assertThrows(ModelException.class, () -> Device.parse("cpu", "fp16")).getMessage()
                .contains("applies only to --device sim:GPU"));
        SimulatedGpu ok = (SimulatedGpu) Device.parse("sim:A100", "tf32");
        assertEquals(Precision.TF32, ok.precision());
        assertEquals(SimOutputs.NONE, SimOutputs.parse("none"));
    }
}
