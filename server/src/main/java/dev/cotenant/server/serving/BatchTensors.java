package dev.cotenant.server.serving;

import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch's tensors: the inputs of its requests end to end along dimension 0, zero-padded to the
 * rows of a planned batch size, and the outputs cut back into each request's rows.
 */
final class BatchTensors {

    private BatchTensors() {}

    /** Samples in {@code batch}: a request of batch n counts n. */
    static int samples(List<InferRequest> batch) {
        int n = 0;
        for (InferRequest r : batch) {
            n += r.batch();
        }
        return n;
    }

    /** The batch's {@code inputs} end to end along dimension 0, zero-padded to {@code rows} (at least its samples). */
    static Map<String, Tensor> concatenate(List<TensorSpec> inputs, List<InferRequest> batch, int samples, int rows) {
        if (batch.size() == 1 && rows == samples) {
            return batch.getFirst().inputs();
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (TensorSpec s : inputs) {
            Tensor first = batch.getFirst().inputs().get(s.name());
            int[] shape = first.shape();
            shape[0] = rows;
            Tensor all = Tensor.allocate(first.dataType(), shape);
            int pos = 0;
            for (InferRequest r : batch) {
                Tensor t = r.inputs().get(s.name());
                System.arraycopy(t.array(), t.offset(), all.array(), pos, t.size());
                pos += t.size();
            }
            feeds.put(s.name(), all);
        }
        return feeds;
    }

    /** Each request's rows of the batch's outputs {@code out} (of {@code rows} rows), only the outputs it asked for. */
    static List<Map<String, Tensor>> split(List<InferRequest> batch, Map<String, Tensor> out, int rows) {
        List<Map<String, Tensor>> per = new ArrayList<>(batch.size());
        int row = 0;
        for (InferRequest r : batch) {
            Map<String, Tensor> mine = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : out.entrySet()) {
                if (r.outputs() == null || r.outputs().contains(e.getKey())) {
                    mine.put(e.getKey(), slice(e.getValue(), row, r.batch(), rows));
                }
            }
            row += r.batch();
            per.add(mine);
        }
        return per;
    }

    /** Rows {@code [row, row + n)} of a batched output, sharing its storage (outputs are fresh per run). */
    private static Tensor slice(Tensor t, int row, int n, int rows) {
        if (t.rank() == 0 || t.dim(0) != rows || n == rows) {
            return t;
        }
        int[] shape = t.shape();
        int perRow = t.size() / rows;
        shape[0] = n;
        return Tensor.view(t.dataType(), shape, t.array(), t.offset() + row * perRow);
    }
}
