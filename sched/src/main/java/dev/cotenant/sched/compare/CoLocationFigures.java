package dev.cotenant.sched.compare;

import dev.cotenant.gpusim.hardware.Precision;
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

    /**
     * NVIDIA, "MPS Examples", TensorRT Laboratory (examples/98_MPS/README.md),
     * https://github.com/NVIDIA/tensorrt-laboratory/tree/master/examples/98_MPS : ResNet-50 as a
     * TensorRT engine, batch 1, FP32, V100-16GB (DGX-1V), each process a gRPC inference service
     * behind a load balancer. 1 process: 383 inferences/s; 8 processes without MPS (time sliced):
     * 365/s; 8 processes with MPS: 929/s.
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

    private static final String IDLE = "leaves GPU idle";
    private static final String FILLS = "fills GPU";

    /** Every figure, in the order of the table. */
    static final List<Figure> ALL = List.of(
            new Figure("8 x ResNet-50 b1, MPS vs 1 process", TRT_LAB, "v100", Precision.FP32, "native", "resnet50", List.of(1), 8,
                    new Policy.Mps(List.of()), null, Over.ONE, 929.0 / 383.0, IDLE),
            new Figure("8 x ResNet-50 b1, time sliced vs 1 process", TRT_LAB, "v100", Precision.FP32, "native", "resnet50", List.of(1),
                    8, new Policy.Timeslice(), null, Over.ONE, 365.0 / 383.0, IDLE),
            new Figure("2 x BERT-base b1/b8 (best), MPS vs time sliced", TORCHSERVE, "t4", Precision.FP32, "eager", "bert-base",
                    List.of(1, 8), 2, new Policy.Mps(List.of()), new Policy.Timeslice(), Over.BEST, 1.18, IDLE),
            new Figure("2 x BERT-base b2/b4 (worst), MPS vs time sliced", TORCHSERVE, "t4", Precision.FP32, "eager", "bert-base",
                    List.of(2, 4), 2, new Policy.Mps(List.of()), new Policy.Timeslice(), Over.WORST, 0.89, FILLS),
            new Figure("2 x BERT-base b1-b32 but 16 (best), MPS vs time sliced", TORCHSERVE, "v100", Precision.FP32, "eager",
                    "bert-base", List.of(1, 2, 4, 8, 32), 2, new Policy.Mps(List.of()), new Policy.Timeslice(), Over.BEST, 1.25, IDLE));
}
