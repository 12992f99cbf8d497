package dev.cotenant.ops;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.List;

/**
 * BatchNormalization, every version. Inference folds the statistics into one scale and shift per
 * channel ({@code y = x * s + t}). Training mode ({@code training_mode = 1} from opset 14; extra
 * outputs requested in opsets before 14) normalises with the batch statistics and also returns
 * the updated running mean and variance, as the ONNX reference does. Opset 6's {@code spatial = 0}
 * gives the statistics one value per channel and position instead of per channel.
 */
final class BatchNormOp {

    private BatchNormOp() {}

    static BoundOp bind(OpContext ctx) {
        TensorType xt = ctx.inputType(0);
        for (int i = 0; i < 5; i++) {
            if (ctx.inputDataType(i) != DataType.FLOAT) {
                throw ctx.fail("unsupported input type " + ctx.inputDataType(i).onnxName());
            }
        }
        int[] x = xt.dims();
        if (x.length < 2) {
            throw ctx.fail("input " + xt + " must have a channel axis");
        }
        int c = x[1];
        int inner = 1;
        for (int d = 2; d < x.length; d++) {
            inner *= x[d];
        }
        long statSize = ctx.inputType(1).shape().size();
        boolean perElement = statSize != c;
        if (perElement && statSize != (long) c * inner) {
            throw ctx.fail("scale " + ctx.inputType(1) + " must have " + c + " values");
        }
        for (int i = 2; i < 5; i++) {
            if (ctx.inputType(i).shape().size() != statSize) {
                throw ctx.fail("input " + i + " " + ctx.inputType(i) + " does not match scale " + ctx.inputType(1));
            }
        }
        float eps = ctx.attrFloat("epsilon", 1e-5f);
        float momentum = ctx.attrFloat("momentum", 0.9f);
        boolean training = ctx.opset() >= 14 ? ctx.attrInt("training_mode", 0) != 0
                : ctx.node().outputs().size() > 1 && ctx.node().outputs().subList(1, ctx.node().outputs().size()).stream().anyMatch(o -> !o.isEmpty())
                        && ctx.attrInt("is_test", 0) == 0;
        List<TensorType> types = new ArrayList<>();
        types.add(xt);
        TensorType stat = ctx.inputType(3);
        int extra = ctx.opset() >= 14 ? 2 : 4;
        for (int i = 0; i < extra; i++) {
            types.add(stat);
        }
        int stats = (int) statSize;
        Cost cost = new Cost(2L * xt.shape().size() * (training ? 3 : 1), 8L * xt.shape().size());
        return new Bound(List.copyOf(types), x[0], c, inner, perElement, stats, eps, momentum, training,
                new float[stats], new float[stats], new double[stats], new double[stats], cost);
    }

    private record Bound(List<TensorType> outputTypes, int batch, int c, int inner, boolean perElement, int stats, float eps,
                         float momentum, boolean training, float[] scale, float[] shift, double[] mean, double[] var, Cost cost)
            implements BoundOp {

        @Override
        public void run(Tensor[] in, Tensor[] out, Workers workers) {
            Tensor x = in[0];
            if (training) {
                java.util.Arrays.fill(mean, 0);
                java.util.Arrays.fill(var, 0);
                float[] xf = x.floats();
                int groups = perElement ? c * inner : c;
                long count = (long) batch * inner / (perElement ? inner : 1);
                for (int n = 0; n < batch; n++) {
                    for (int i = 0; i < c * inner; i++) {
                        mean[perElement ? i : i / inner] += xf[x.offset() + n * c * inner + i];
                    }
                }
                for (int s = 0; s < groups; s++) {
                    mean[s] /= count;
                }
                for (int n = 0; n < batch; n++) {
                    for (int i = 0; i < c * inner; i++) {
                        int s = perElement ? i : i / inner;
                        double d = xf[x.offset() + n * c * inner + i] - mean[s];
                        var[s] += d * d;
                    }
                }
                for (int s = 0; s < groups; s++) {
                    var[s] /= count;
                }
            } else {
                for (int s = 0; s < stats; s++) {
                    mean[s] = in[3].getDouble(s);
                    var[s] = in[4].getDouble(s);
                }
            }
            for (int s = 0; s < stats; s++) {
                double k = in[1].getDouble(s) / Math.sqrt(var[s] + eps);
                scale[s] = (float) k;
                shift[s] = (float) (in[2].getDouble(s) - mean[s] * k);
            }
            float[] xf = x.floats();
            float[] yf = out[0].floats();
            int xo = x.offset();
            int yo = out[0].offset();
            int planes = batch * c;
            workers.parallelFor(planes, Math.max(1, 16384 / Math.max(1, inner)), (s, e) -> {
                for (int p = s; p < e; p++) {
                    int ch = p % c;
                    int base = p * inner;
                    for (int i = 0; i < inner; i++) {
                        int st = perElement ? ch * inner + i : ch;
                        yf[yo + base + i] = xf[xo + base + i] * scale[st] + shift[st];
                    }
                }
            });
            if (training) {
                for (int o = 1; o < out.length; o++) {
                    Tensor t = out[o];
                    for (int s = 0; s < stats; s++) {
                        double v = switch (o) {
                            case 1 -> in[3].getDouble(s) * momentum + mean[s] * (1 - momentum);
                            case 2 -> in[4].getDouble(s) * momentum + var[s] * (1 - momentum);
                            case 3 -> mean[s];
                            default -> 1 / Math.sqrt(var[s] + eps);
                        };
                        t.setDouble(s, v);
                    }
                }
            } else {
                for (int o = 1; o < out.length; o++) {
                    Tensor src = in[o == 1 || o == 3 ? 3 : 4];
                    for (int s = 0; s < stats; s++) {
                        out[o].setDouble(s, src.getDouble(s));
                    }
                }
            }
        }
    }
}
