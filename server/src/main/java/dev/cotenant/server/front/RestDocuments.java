package dev.cotenant.server.front;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.TensorSpec;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.ModelStats;
import dev.cotenant.server.serving.ServedModel;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the metadata, repository and statistics endpoints, shaped as the protocol
 * and Triton's extensions shape them.
 */
final class RestDocuments {

    private RestDocuments() {}

    static ObjectNode metadata(Repository repo, String model, String version) {
        ServedModel t = repo.find(model, version);
        ObjectNode n = RestCodec.JSON.createObjectNode();
        n.put("name", t.name());
        ArrayNode vs = n.putArray("versions");
        if (version == null) {
            repo.entry(model).versions().keySet().forEach(vs::add);
        } else {
            vs.add(t.version());
        }
        n.put("platform", "onnx_onnxv1");
        tensors(n.putArray("inputs"), t.inputs());
        tensors(n.putArray("outputs"), t.outputs());
        return n;
    }

    private static void tensors(ArrayNode a, List<TensorSpec> specs) {
        for (TensorSpec s : specs) {
            ObjectNode o = a.addObject();
            o.put("name", s.name());
            o.put("datatype", s.datatype().name());
            ArrayNode sh = o.putArray("shape");
            for (long d : s.shape()) {
                sh.add(d);
            }
        }
    }

    static ArrayNode index(List<Repository.Entry> entries) {
        ArrayNode a = RestCodec.JSON.createArrayNode();
        for (Repository.Entry e : entries) {
            if (e.versions().isEmpty()) {
                ObjectNode o = a.addObject();
                o.put("name", e.name());
                o.put("state", e.state().name());
                o.put("reason", e.reason());
            }
            for (String v : e.versions().keySet()) {
                ObjectNode o = a.addObject();
                o.put("name", e.name());
                o.put("version", v);
                o.put("state", e.state().name());
                o.put("reason", e.reason());
            }
        }
        return a;
    }

    static ObjectNode of(Collection<ServedModel> tenants) {
        ObjectNode root = RestCodec.JSON.createObjectNode();
        ArrayNode a = root.putArray("model_stats");
        for (ServedModel t : tenants) {
            ModelStats s = t.stats();
            ObjectNode o = a.addObject();
            o.put("name", t.name());
            o.put("version", t.version());
            o.put("last_inference", s.lastInferenceMillis());
            o.put("inference_count", s.inferences());
            o.put("execution_count", s.executions());
            o.put("pending_count", t.queue().size() + s.inFlight());
            ObjectNode is = o.putObject("inference_stats");
            duration(is, "success", s.successes(), s.requestNanos());
            duration(is, "fail", s.failureTotal(), s.failNanos());
            duration(is, "queue", s.successes(), s.queueNanos());
            duration(is, "compute_input", s.successes(), s.inputNanos());
            duration(is, "compute_infer", s.successes(), s.inferNanos());
            duration(is, "compute_output", s.successes(), s.outputNanos());
            ObjectNode fails = o.putObject("failures");
            for (InferError.Kind k : InferError.Kind.values()) {
                long n = s.failures(k);
                if (n > 0) {
                    fails.put(k.reason(), fails.path(k.reason()).asLong(0) + n);
                }
            }
            ArrayNode bs = o.putArray("batch_stats");
            for (Map.Entry<Integer, long[]> e : s.byBatch().entrySet()) {
                ObjectNode b = bs.addObject();
                b.put("batch_size", e.getKey());
                duration(b, "compute_infer", e.getValue()[0], e.getValue()[1]);
            }
        }
        return root;
    }

    private static void duration(ObjectNode parent, String key, long count, long ns) {
        ObjectNode d = parent.putObject(key);
        d.put("count", count);
        d.put("ns", ns);
    }
}
