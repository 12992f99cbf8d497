package dev.cotenant.gpusim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.hardware.Unit;
import dev.cotenant.gpusim.sim.GpuStream;
import dev.cotenant.gpusim.sim.Simulator;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Step;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoweringTest {

    static final Gpu A100 = Gpu.load("a100");
    static Plan resnet18;
    static Plan bertTiny;

    @BeforeAll
    static void plan() {
        resnet18 = ZooModels.plan(new ZooModels.Entry("resnet18", 2));
        bertTiny = ZooModels.plan(new ZooModels.Entry("bert-tiny", 1));
    }

    @Test
    void aConvolutionIsAnImplicitGemm() {
        Step first = resnet18.steps().stream().filter(s -> s.node().opType().endsWith("Conv")).findFirst().orElseThrow();
        OpWork.Gemm g = (OpWork.Gemm) Lowering.work("c", first);
        // 7x7 stride 2 on 3x224x224, 64 filters, batch 2: M = 2*112*112, N = 64, K = 3*7*7.
        assertEquals(2L * 112 * 112, g.m());
        assertEquals(64, g.n());
        assertEquals(3 * 49, g.k());
        assertEquals(1, g.batch());
    }

    @Test
    void elementwiseKernelsUse128ThreadsAndFourElementsEach() {
        Kernel k = KernelShapes.map("relu", 1_000_000, 1e6, 8e6);
        assertEquals(128, k.threadsPerBlock());
        assertEquals((1_000_000 + 511) / 512, k.blocks());
        assertEquals(8e6, k.bytes(), 1e-3);
    }

    @Test
    void aSmallGridWithALongKSplitsK() {
        Kernel small = KernelShapes.gemm(new OpWork.Gemm("g", 1, 128, 768, 3072, 2.0 * 128 * 768 * 3072, 1e7, false, 0),
                Precision.FP16, A100);
        assertTrue(small.name().contains("splitk"), small.name());
        assertTrue(small.blocks() >= 54, small.blocks() + " blocks");
        Kernel large = KernelShapes.gemm(new OpWork.Gemm("g", 1, 8192, 3072, 768, 2.0 * 8192 * 3072 * 768, 1e8, false, 0),
                Precision.FP16, A100);
        assertFalse(large.name().contains("splitk"), large.name());
        assertTrue(large.blocks() >= A100.sms(), large.blocks() + " blocks");
        // Edge tiles compute whole tiles: padded FLOPs are never fewer than the product's.
        assertTrue(large.flops() >= 2.0 * 8192 * 3072 * 768);
    }

    @Test
    void theTensorTileOfTheSpecHoldsOneBlockPerSmOnA100() {
        Kernel big = KernelShapes.gemm(new OpWork.Gemm("g", 1, 16384, 16384, 4096, 2.0 * 16384 * 16384 * 4096, 1e9, false, 0),
                Precision.FP16, A100);
        assertTrue(big.name().contains("128x256") || big.name().contains("256x128"), big.name());
        assertEquals(256, big.threadsPerBlock());
        assertEquals(144 * 1024, big.sharedMemoryPerBlock());
        assertEquals(1, big.blocksPerSm(A100));
    }

    @Test
    void theEngineStyleFusesEpiloguesAndAttention() {
        LoweredModel eager = Lowering.lower("r", resnet18, Precision.FP16, A100, Lowering.Fusion.EAGER);
        LoweredModel engine = Lowering.lower("r", resnet18, Precision.FP16, A100, Lowering.Fusion.ENGINE);
        assertTrue(engine.kernels().size() < eager.kernels().size());
        for (int i = 0; i < engine.operators().size(); i++) {
            String op = engine.operators().get(i).split(" ")[0];
            if (op.equals("Add") || op.equals("Relu")) {
                assertEquals(List.of(), engine.kernelsPerStep().get(i), op + " at step " + i + " should run in a conv epilogue");
            }
        }
        assertEquals(eager.flops(), engine.flops(), eager.flops() * 0.01);
        assertTrue(engine.bytes() < eager.bytes());
        LoweredModel bert = Lowering.lower("b", bertTiny, Precision.FP16, A100, Lowering.Fusion.ENGINE);
        long attention = bert.kernels().stream().filter(k -> k.name().contains("fused attention")).count();
        assertEquals(2, attention); // bert-tiny has two layers
    }

    @Test
    void precisionSetsTheUnitAndTheBytes() {
        LoweredModel h = Lowering.lower("r", resnet18, Precision.FP16, A100, Lowering.Fusion.ENGINE);
        LoweredModel t = Lowering.lower("r", resnet18, Precision.TF32, A100, Lowering.Fusion.ENGINE);
        LoweredModel f = Lowering.lower("r", resnet18, Precision.FP32, A100, Lowering.Fusion.ENGINE);
        assertTrue(h.bytes() < 0.6 * f.bytes());
        assertTrue(h.kernels().stream().anyMatch(k -> k.unit() == Unit.FP16_TENSOR));
        assertTrue(f.kernels().stream().noneMatch(k -> k.unit() != Unit.FP32));
        double th = solo(h);
        double tt = solo(t);
        double tf = solo(f);
        assertTrue(th < tt && tt < tf, th + " " + tt + " " + tf);
    }

    static double solo(LoweredModel m) {
        return Simulator.solo(A100, GpuStream.of(m.name(), 0, m.launches())).makespanUs();
    }
}
