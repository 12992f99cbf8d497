package dev.cotenant.server.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.TensorSpec;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.ModelStats;
import dev.cotenant.server.serving.ServedModel;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the metadata, repository, configuration and statistics endpoints, shaped
 * as the protocol and Triton's extensions shape them.
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
        n.put("platform", repo.config(model, version).getPlatform());
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
            o.put("client_error_count", s.clientErrors());
            ObjectNode fails = o.putObject("failures");
            ObjectNode clientErrors = o.putObject("client_errors");
            for (InferError.Kind k : InferError.Kind.values()) {
                long n = s.failures(k);
                if (n > 0) {
                    (k.clientError() ? clientErrors : fails).put(k.reason(), n);
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

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * A protobuf message (the model configuration) as the JSON Triton's HTTP endpoints give it:
     * the proto field names, every field without presence printed even at its default (so a client
     * that reads {@code max_batch_size} or {@code is_shape_tensor} finds it), message fields only
     * when set, enums by name, maps as objects, and 64-bit integers as JSON numbers. The last is
     * where it differs from protobuf's canonical JSON, which quotes them: Triton turns them back
     * into numbers, and its clients read {@code dims} as numbers.
     */
    static ObjectNode message(Message m) {
        ObjectNode o = NODES.objectNode();
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            boolean present = f.isRepeated() || !f.hasPresence() || m.hasField(f);
            if (!present) {
                continue;
            }
            Object v = m.getField(f);
            if (f.isMapField()) {
                ObjectNode map = o.putObject(f.getName());
                for (Object e : (List<?>) v) {
                    Message entry = (Message) e;
                    FieldDescriptor key = entry.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor value = entry.getDescriptorForType().findFieldByName("value");
                    map.set(String.valueOf(entry.getField(key)), value(value, entry.getField(value)));
                }
            } else if (f.isRepeated()) {
                ArrayNode a = o.putArray(f.getName());
                for (Object e : (List<?>) v) {
                    a.add(value(f, e));
                }
            } else {
                o.set(f.getName(), value(f, v));
            }
        }
        return o;
    }

    private static JsonNode value(FieldDescriptor f, Object v) {
        return switch (f.getJavaType()) {
            case INT -> NODES.numberNode(f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32
                    ? Integer.toUnsignedLong((Integer) v) : (long) (Integer) v);
            case LONG -> f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64
                    ? NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString((Long) v))) : NODES.numberNode((Long) v);
            case FLOAT -> NODES.numberNode((Float) v);
            case DOUBLE -> NODES.numberNode((Double) v);
            case BOOLEAN -> NODES.booleanNode((Boolean) v);
            case STRING -> NODES.textNode((String) v);
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM -> NODES.textNode(((EnumValueDescriptor) v).getName());
            case MESSAGE -> message((Message) v);
        };
    }
}
