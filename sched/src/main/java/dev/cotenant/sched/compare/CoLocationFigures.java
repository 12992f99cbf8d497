package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.ZooModels;
import dev.cotenant.sched.compare.CoLocationValidation.Figure;
import dev.cotenant.sched.compare.CoLocationValidation.Over;
import dev.cotenant.sched.policy.Policy;
import java.util.List;

/**
 * Published measurements of DNN inference co-running on real NVIDIA GPUs, each with its source.
 * Only facts and figures are taken: what ran, on what, and the measured throughputs, turned into
 * the ratio the row compares. Where a source leaves something out (sequence length, the GPU), the
 * row says what was assumed.
 */
final class CoLocationFigures {

    private CoLocationFigures() {}

    private static final HostRuntime NATIVE = HostRuntime.load("native");

    /** The built-in eager sheet, fitted to a PyTorch host of a V100 paper (57 us a kernel). */
    private static final HostRuntime EAGER = HostRuntime.load("eager");

    /**
     * MIGPerf's host. An eager framework's time per operator belongs to the host CPU and framework
     * version that ran it, and each source's harness had its own; where a source publishes a
     * launch-bound solo latency, that one figure fixes its host's cost. MIGPerf's ResNet-50 at
     * batch 1 on the 7g instance ran 191.81 images/s, 5.21 ms, where the GPU is idle most of the
     * time (batch 8 took 6.10 ms): 174 kernels at 5.21 ms is 29.9 us each, less the driver's 2.5 us
     * launch, 27 us of dispatch, against the sheet's 57. Only that figure is fitted; the other 14
     * rows of this source are predictions.
     */
    private static final HostRuntime MIGPERF_HOST = EAGER.withDispatchUs("eager, 27 us (MIGPerf's host)", 27);

    /**
     * The Abacus artifact's host, fitted the same way: ResNet-50 alone at batch 4, 8 and 16 ran
     * 8552, 8551.5 and 8566 us in its harness, flat with the batch, so launch bound: 8552 / 174 =
     * 49.1 us a kernel, 47 us of dispatch.
     */
    private static final HostRuntime ABACUS_HOST = EAGER.withDispatchUs("eager, 47 us (Abacus's host)", 47);

    /**
     * NVIDIA, "MPS Examples", TensorRT Laboratory (examples/98_MPS/README.md),
     * https://github.com/NVIDIA/tensorrt-laboratory/tree/master/examples/98_MPS : ResNet-50 as a
     * TensorRT engine, batch 1, FP32, V100-16GB (DGX-1V), each process a gRPC inference service
     * behind a load balancer. 1 process: 383 inferences/s; 8 processes without MPS (time sliced):
     * 365/s; 8 processes with MPS: 929/s. Each service holds one execution context, so an inference
     * waits for the previous one's synchronisation and release (examples/02_TensorRT_GRPC/src/server.cc):
     * idle device time the native runtime here leaves out, because modelled alone it breaks the
     * time-sliced row (CoLocationValidationTest#theHandoffAloneMovesTheMissToTheTimeSlicedRow).
     */
    static final String TRT_LAB = "NVIDIA TensorRT Laboratory, \"MPS Examples\", "
            + "https://github.com/NVIDIA/tensorrt-laboratory/tree/master/examples/98_MPS";

    /**
     * PyTorch, "Running TorchServe with NVIDIA MPS" (docs/nvidia_mps.md),
     * https://github.com/pytorch/serve/blob/master/docs/nvidia_mps.md : the HuggingFace BERT
     * sequence-classification example (bert-base, PyTorch eager, FP32), two workers (processes) on
     * one GPU, throughput with MPS against without, median of five runs. On a g4dn.4xlarge (T4):
     * "better in case of batch size 1 and 8 (up to +18%) while it can be worse for others (-11%)"
     * (batch 2 and 4 were the others measured); on a p3.2xlarge (V100): "for batch size between 1
     * and 32 the throughput is consistently higher (up to +25%) for MPS enabled with the exception
     * of batch size 16". The example pads to 150 tokens; the zoo's bert-base runs 128.
     */
    static final String TORCHSERVE = "PyTorch TorchServe docs, \"Running TorchServe with NVIDIA MPS\", "
            + "https://github.com/pytorch/serve/blob/master/docs/nvidia_mps.md";

    /**
     * H. Zhang et al., "MIGPerf: A Comprehensive Benchmark for Deep Learning Training and Inference
     * Workloads on Multi-Instance GPUs", arXiv:2301.00407, data of its repository
     * https://github.com/HuaizhengZhang/MIGProfiler (data/A100-80g/infer/cv/integrated_result.csv,
     * commit 5462a7c): torchvision ResNet-50, PyTorch eager, FP32 (TF32 convolutions, PyTorch's
     * default on Ampere), A100-80GB in MIG mode, throughput of one process on one instance. Each
     * slice size was measured alone; a row compares N equal slices, N times one slice's throughput
     * (MIG partitions SMs, L2 and DRAM, so the slices do not slow each other; host contention
     * between N processes is not in the figure), with one process on the 7g instance. Images/s, 7g /
     * 3g / 2g / 1g: b1 191.81 / 190.98 / 170.99 / 127.18; b8 1310.48 / 906.45 / 569.41 / 287.87;
     * b32 2547.57 / 1283.33 / 752.94 / 382.52; b64 2774.7 / 1384.96 / 800.99 / 403.71; b256 3070.0
     * / 1478.97 / 839.61 / 420.32.
     */
    static final String MIGPERF = "Zhang et al., \"MIGPerf\" (arXiv:2301.00407), data/A100-80g/infer/cv/integrated_result.csv, "
            + "https://github.com/HuaizhengZhang/MIGProfiler";

    /**
     * W. Cui et al., "Enable Simultaneous DNN Services Based on Deterministic Operator Overlap and
     * Precise Latency Prediction" (Abacus), SC'21, profiling data of its artifact
     * https://github.com/Raphael-Hao/Abacus (data/profile/A100/2in7/resnet50_vgg16.csv, commit
     * b3a5de4): ResNet-50 and VGG-16, PyTorch eager, FP16, A100, one process each with MPS's
     * environment set, median makespan of a query of each run together against each run alone in
     * the same harness (microseconds, both / ResNet-50 alone / VGG-16 alone, by batch sizes
     * ResNet-50 + VGG-16): 4+4 8720.5 / 8552.0 / 2833.0; 4+8 8834.0 / 8542.0 / 5234.5; 4+16 12246.5
     * / 8528.5 / 11314.0; 4+32 25183.5 / 8600.0 / 22717.0; 8+4 8611.5 / 8614.0 / 2983.0; 8+8 8930.5
     * / 8551.5 / 5234.5; 8+16 14089.5 / 8539.0 / 11417.0; 16+4 9619.0 / 8531.0 / 3122.0; 16+8
     * 11708.0 / 8574.0 / 5234.5; 16+16 19730.5 / 8566.0 / 11314.0; 16+32 28877.5 / 8566.0 /
     * 24221.0; 32+4 15864.5 / 12483.5 / 2833.0. Where a block of the file has no solo row for a
     * batch size, the solo time of that batch size from another block is used. The ratio is the
     * throughput of running both together against one after the other: (alone + alone) / both.
     */
    static final String ABACUS = "Cui et al., \"Abacus\" (SC'21) artifact, data/profile/A100/2in7/resnet50_vgg16.csv, "
            + "https://github.com/Raphael-Hao/Abacus";

    private static final String IDLE = "leaves GPU idle";
    private static final String FILLS = "fills GPU";

    /** Every figure, in the order of the table. */
    static final List<Figure> ALL = List.of(
            new Figure("8 x ResNet-50 b1, MPS vs 1 process", TRT_LAB, "v100", Precision.FP32, NATIVE, "resnet50", List.of(1), 8,
                    new Policy.Mps(List.of()), null, Over.ONE, 929.0 / 383.0, IDLE, null),
            new Figure("8 x ResNet-50 b1, time sliced vs 1 process", TRT_LAB, "v100", Precision.FP32, NATIVE, "resnet50", List.of(1),
                    8, new Policy.Timeslice(), null, Over.ONE, 365.0 / 383.0, IDLE, null),
            new Figure("2 x BERT-base b1/b8 (best), MPS vs time sliced", TORCHSERVE, "t4", Precision.FP32, EAGER, "bert-base",
                    List.of(1, 8), 2, new Policy.Mps(List.of()), new Policy.Timeslice(), Over.BEST, 1.18, IDLE, null),
            new Figure("2 x BERT-base b2/b4 (worst), MPS vs time sliced", TORCHSERVE, "t4", Precision.FP32, EAGER, "bert-base",
                    List.of(2, 4), 2, new Policy.Mps(List.of()), new Policy.Timeslice(), Over.WORST, 0.89, FILLS, null),
            new Figure("2 x BERT-base b1-b32 but 16 (best), MPS vs time sliced", TORCHSERVE, "v100", Precision.FP32, EAGER,
                    "bert-base", List.of(1, 2, 4, 8, 32), 2, new Policy.Mps(List.of()), new Policy.Timeslice(), Over.BEST, 1.25, IDLE, null),
            new Figure("7 x ResNet-50 b1, MIG 1g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(1), 7,
                    new Policy.Mig(List.of(1, 1, 1, 1, 1, 1, 1)), new Policy.Mig(List.of(7)), Over.ONE, 7 * 127.18 / 191.81, IDLE, null),
            new Figure("7 x ResNet-50 b8, MIG 1g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(8), 7,
                    new Policy.Mig(List.of(1, 1, 1, 1, 1, 1, 1)), new Policy.Mig(List.of(7)), Over.ONE, 7 * 287.87 / 1310.48, IDLE, null),
            new Figure("7 x ResNet-50 b32, MIG 1g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(32), 7,
                    new Policy.Mig(List.of(1, 1, 1, 1, 1, 1, 1)), new Policy.Mig(List.of(7)), Over.ONE, 7 * 382.52 / 2547.57, FILLS, null),
            new Figure("7 x ResNet-50 b64, MIG 1g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(64), 7,
                    new Policy.Mig(List.of(1, 1, 1, 1, 1, 1, 1)), new Policy.Mig(List.of(7)), Over.ONE, 7 * 403.71 / 2774.7, FILLS, null),
            new Figure("7 x ResNet-50 b256, MIG 1g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(256), 7,
                    new Policy.Mig(List.of(1, 1, 1, 1, 1, 1, 1)), new Policy.Mig(List.of(7)), Over.ONE, 7 * 420.32 / 3070.0, FILLS, null),
            new Figure("3 x ResNet-50 b1, MIG 2g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(1), 3,
                    new Policy.Mig(List.of(2, 2, 2)), new Policy.Mig(List.of(7)), Over.ONE, 3 * 170.99 / 191.81, IDLE, null),
            new Figure("3 x ResNet-50 b8, MIG 2g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(8), 3,
                    new Policy.Mig(List.of(2, 2, 2)), new Policy.Mig(List.of(7)), Over.ONE, 3 * 569.41 / 1310.48, IDLE, null),
            new Figure("3 x ResNet-50 b32, MIG 2g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(32), 3,
                    new Policy.Mig(List.of(2, 2, 2)), new Policy.Mig(List.of(7)), Over.ONE, 3 * 752.94 / 2547.57, FILLS, null),
            new Figure("3 x ResNet-50 b64, MIG 2g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(64), 3,
                    new Policy.Mig(List.of(2, 2, 2)), new Policy.Mig(List.of(7)), Over.ONE, 3 * 800.99 / 2774.7, FILLS, null),
            new Figure("3 x ResNet-50 b256, MIG 2g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(256), 3,
                    new Policy.Mig(List.of(2, 2, 2)), new Policy.Mig(List.of(7)), Over.ONE, 3 * 839.61 / 3070.0, FILLS, null),
            new Figure("2 x ResNet-50 b1, MIG 3g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(1), 2,
                    new Policy.Mig(List.of(3, 3)), new Policy.Mig(List.of(7)), Over.ONE, 2 * 190.98 / 191.81, IDLE, null),
            new Figure("2 x ResNet-50 b8, MIG 3g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(8), 2,
                    new Policy.Mig(List.of(3, 3)), new Policy.Mig(List.of(7)), Over.ONE, 2 * 906.45 / 1310.48, IDLE, null),
            new Figure("2 x ResNet-50 b32, MIG 3g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(32), 2,
                    new Policy.Mig(List.of(3, 3)), new Policy.Mig(List.of(7)), Over.ONE, 2 * 1283.33 / 2547.57, FILLS, null),
            new Figure("2 x ResNet-50 b64, MIG 3g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(64), 2,
                    new Policy.Mig(List.of(3, 3)), new Policy.Mig(List.of(7)), Over.ONE, 2 * 1384.96 / 2774.7, FILLS, null),
            new Figure("2 x ResNet-50 b256, MIG 3g vs 7g", MIGPERF, "a100", Precision.TF32, MIGPERF_HOST, "resnet50", List.of(256), 2,
                    new Policy.Mig(List.of(3, 3)), new Policy.Mig(List.of(7)), Over.ONE, 2 * 1478.97 / 3070.0, FILLS, null),
            new Figure("ResNet-50 b4 + VGG-16 b4, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(4), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8552.0 + 2833.0) / 8720.5, IDLE,
                    new ZooModels.Entry("vgg16", 4)),
            new Figure("ResNet-50 b4 + VGG-16 b8, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(4), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8542.0 + 5234.5) / 8834.0, IDLE,
                    new ZooModels.Entry("vgg16", 8)),
            new Figure("ResNet-50 b4 + VGG-16 b16, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(4), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8528.5 + 11314.0) / 12246.5, IDLE,
                    new ZooModels.Entry("vgg16", 16)),
            new Figure("ResNet-50 b4 + VGG-16 b32, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(4), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8600.0 + 22717.0) / 25183.5, FILLS,
                    new ZooModels.Entry("vgg16", 32)),
            new Figure("ResNet-50 b8 + VGG-16 b4, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(8), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8614.0 + 2983.0) / 8611.5, IDLE,
                    new ZooModels.Entry("vgg16", 4)),
            new Figure("ResNet-50 b8 + VGG-16 b8, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(8), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8551.5 + 5234.5) / 8930.5, IDLE,
                    new ZooModels.Entry("vgg16", 8)),
            new Figure("ResNet-50 b8 + VGG-16 b16, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(8), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8539.0 + 11417.0) / 14089.5, IDLE,
                    new ZooModels.Entry("vgg16", 16)),
            new Figure("ResNet-50 b16 + VGG-16 b4, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(16), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8531.0 + 3122.0) / 9619.0, IDLE,
                    new ZooModels.Entry("vgg16", 4)),
            new Figure("ResNet-50 b16 + VGG-16 b8, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(16), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8574.0 + 5234.5) / 11708.0, IDLE,
                    new ZooModels.Entry("vgg16", 8)),
            new Figure("ResNet-50 b16 + VGG-16 b16, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(16), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8566.0 + 11314.0) / 19730.5, IDLE,
                    new ZooModels.Entry("vgg16", 16)),
            new Figure("ResNet-50 b16 + VGG-16 b32, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(16), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (8566.0 + 24221.0) / 28877.5, FILLS,
                    new ZooModels.Entry("vgg16", 32)),
            new Figure("ResNet-50 b32 + VGG-16 b4, MPS vs one after the other", ABACUS, "a100", Precision.FP16, ABACUS_HOST, "resnet50",
                    List.of(32), 1, new Policy.Mps(List.of()), new Policy.Sequential(), Over.ONE, (12483.5 + 2833.0) / 15864.5, FILLS,
                    new ZooModels.Entry("vgg16", 4)));
}
