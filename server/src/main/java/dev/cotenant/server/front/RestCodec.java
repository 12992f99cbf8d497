package dev.cotenant.server.front;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.Datatype;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.InferResult;
import dev.cotenant.server.protocol.RawTensors;
import dev.cotenant.server.protocol.TensorSpec;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The REST inference body, both ways: JSON tensors ({@code data} flat or nested, row-major) and
 * the binary-data extension (the JSON header of {@code Inference-Header-Content-Length} bytes,
 * then each binary tensor's raw bytes in order, sized by its {@code binary_data_size} parameter).
 */
final class RestCodec {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private RestCodec() {}

    /** A decoded request: the queued form plus how its answer must be written. */
    record Decoded(InferRequest request, boolean binaryOutputs, Set<String> binaryNames) {}

    /**
     * Decodes a request body for {@code t}. {@code headerLength} is the binary extension's JSON
     * length, or -1 when the whole body is JSON.
     */
    static Decoded decode(ServedModel t, byte[] body, int headerLength, long arrivedNanos) {
        int jsonLength = headerLength >= 0 ? headerLength : body.length;
        if (jsonLength > body.length) {
            throw InferError.badRequest("Inference-Header-Content-Length " + headerLength + " exceeds the body's " + body.length + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body, 0, jsonLength);
        } catch (JsonProcessingException e) {
            throw InferError.badRequest("malformed JSON in the request body: " + e.getOriginalMessage().replaceAll("\\[Source: [^;\\]]*; ", "[")
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw InferError.badRequest("unreadable request body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw InferError.badRequest("the request body must be a JSON object with an 'inputs' array");
        }
        String id = root.path("id").asText("");
        JsonNode params = root.path("parameters");
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw InferError.badRequest("the request has no 'inputs' array");
        }
        Map<String, Tensor> given = inputs(t, inputs, body, jsonLength, headerLength >= 0);
        Requested outputs = outputs(t, root.get("outputs"));
        long priority = longParam(params, "priority");
        long timeout = longParam(params, "timeout");
        InferRequest r = Admission.admit(t, id, given, outputs.names(), priority, timeout, arrivedNanos);
        return new Decoded(r, params.path("binary_data_output").asBoolean(false), outputs.binary());
    }

    /**
     * The request's input tensors for {@code t}, each checked against the model as it is read: from
     * its JSON {@code data}, or from the binary part that follows the {@code jsonLength} bytes of
     * JSON when it gives a {@code binary_data_size} (only in a {@code binary} body, one with the
     * header-length header). Every byte of the binary part must belong to an input.
     */
    private static Map<String, Tensor> inputs(ServedModel t, JsonNode inputs, byte[] body, int jsonLength, boolean binary) {
        Map<String, Tensor> given = new HashMap<>();
        int binaryOffset = jsonLength;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode in = inputs.get(i);
            String where = "inputs[" + i + "]";
            if (!in.isObject() || !in.path("name").isTextual()) {
                throw InferError.badRequest(where + ": each input must be an object with a 'name'");
            }
            String name = in.get("name").asText();
            where = "input '" + name + "'";
            TensorSpec spec = Admission.inputSpec(t, name);
            if (given.containsKey(name)) {
                throw InferError.badRequest(where + " is given twice");
            }
            Datatype dt = Datatype.parse(in.path("datatype").isTextual() ? in.get("datatype").asText() : null, where);
            long[] shape = shape(in.get("shape"), where);
            spec.check(dt, shape, where);
            Admission.checkBatch(t, shape, where);
            JsonNode binarySize = in.path("parameters").get("binary_data_size");
            Tensor x;
            if (binarySize != null) {
                if (!binary) {
                    throw InferError.badRequest(where + ": binary_data_size given but the request has no Inference-Header-Content-Length header");
                }
                long n = binarySize.asLong(-1);
                if (n < 0 || binaryOffset + n > body.length) {
                    throw InferError.badRequest(where + ": binary_data_size " + binarySize + " runs past the end of the body ("
                            + (body.length - binaryOffset) + " bytes left)");
                }
                x = RawTensors.decode(body, binaryOffset, (int) n, dt, shape, where);
                binaryOffset += (int) n;
            } else {
                x = fromJson(in.get("data"), dt, shape, where);
            }
            given.put(name, x);
        }
        if (binaryOffset != body.length) {
            throw InferError.badRequest((body.length - binaryOffset) + " bytes of binary data follow the JSON header but no input claims them");
        }
        return given;
    }

    /** Outputs a request names ({@code names} null: it names none, so all), and those it wants as binary data. */
    private record Requested(Set<String> names, Set<String> binary) {}

    private static Requested outputs(ServedModel t, JsonNode outs) {
        Set<String> binaryNames = new LinkedHashSet<>();
        if (outs == null) {
            return new Requested(null, binaryNames);
        }
        if (!outs.isArray()) {
            throw InferError.badRequest("'outputs' must be an array");
        }
        Set<String> outputs = new LinkedHashSet<>();
        for (JsonNode o : outs) {
            String n = o.path("name").asText(null);
            if (n == null) {
                throw InferError.badRequest("each requested output needs a 'name'");
            }
            Admission.checkOutput(t, n);
            outputs.add(n);
            if (o.path("parameters").path("binary_data").asBoolean(false)) {
                binaryNames.add(n);
            }
        }
        return new Requested(outputs, binaryNames);
    }

    private static long longParam(JsonNode params, String key) {
        JsonNode v = params.get(key);
        if (v == null) {
            return 0;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw InferError.badRequest("parameter '" + key + "' must be an integer, got " + v);
        }
        return v.asLong();
    }

    private static long[] shape(JsonNode s, String where) {
        if (s == null || !s.isArray()) {
            throw InferError.badRequest(where + ": 'shape' must be an array of integers");
        }
        long[] out = new long[s.size()];
        for (int i = 0; i < out.length; i++) {
            if (!s.get(i).isIntegralNumber()) {
                throw InferError.badRequest(where + ": 'shape' must be an array of integers, got " + s);
            }
            out[i] = s.get(i).asLong();
        }
        return out;
    }

    private static Tensor fromJson(JsonNode data, Datatype dt, long[] shape, String where) {
        if (data == null) {
            throw InferError.badRequest(where + ": no 'data' (and no binary_data_size parameter)");
        }
        int[] d = RawTensors.dims(shape, where);
        DataType engine = dt.engine();
        Tensor t = Tensor.allocate(engine, d);
        int[] count = {0};
        fill(data, t, dt, count, where);
        if (count[0] != t.size()) {
            throw InferError.badRequest(where + ": 'data' has " + count[0] + " elements but shape " + java.util.Arrays.toString(shape)
                    + " needs " + t.size());
        }
        return t;
    }

    private static void fill(JsonNode n, Tensor t, Datatype dt, int[] count, String where) {
        if (n.isArray()) {
            for (JsonNode c : n) {
                fill(c, t, dt, count, where);
            }
            return;
        }
        int i = count[0]++;
        if (i >= t.size()) {
            return;
        }
        switch (dt) {
            case BOOL -> {
                if (!n.isBoolean() && !n.isIntegralNumber()) {
                    throw InferError.badRequest(where + ": element " + i + " is " + n + ", not a boolean");
                }
                t.setLong(i, n.isBoolean() ? (n.asBoolean() ? 1 : 0) : (n.asLong() != 0 ? 1 : 0));
            }
            case FP16, FP32, FP64 -> {
                if (!n.isNumber()) {
                    throw InferError.badRequest(where + ": element " + i + " is " + n + ", not a number");
                }
                t.setDouble(i, n.asDouble());
            }
            default -> {
                if (!n.isIntegralNumber()) {
                    throw InferError.badRequest(where + ": element " + i + " is " + n + ", not an integer");
                }
                t.setLong(i, n.asLong());
            }
        }
    }

    /** An encoded response: the body, and the JSON header length when binary outputs follow it (else -1). */
    record Encoded(byte[] body, int headerLength) {}

    static Encoded encode(ServedModel t, String id, InferResult r, boolean binaryAll, Set<String> binaryNames) {
        ByteArrayOutputStream json = new ByteArrayOutputStream(256);
        ByteArrayOutputStream raw = null;
        try (JsonGenerator g = FACTORY.createGenerator(json)) {
            g.writeStartObject();
            g.writeStringField("model_name", t.name());
            g.writeStringField("model_version", t.version());
            g.writeStringField("id", id);
            if (r.simulatedOutputs()) {
                // --sim-outputs none: the tensors below are zeros, never computed; say so in the answer
                g.writeObjectFieldStart("parameters");
                g.writeBooleanField("simulated_outputs", true);
                g.writeEndObject();
            }
            g.writeArrayFieldStart("outputs");
            for (Map.Entry<String, Tensor> e : r.outputs().entrySet()) {
                Tensor x = e.getValue();
                Datatype dt = Datatype.of(x.dataType());
                g.writeStartObject();
                g.writeStringField("name", e.getKey());
                g.writeStringField("datatype", dt.name());
                g.writeArrayFieldStart("shape");
                for (int d : x.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                if (binaryAll || binaryNames.contains(e.getKey())) {
                    byte[] b = RawTensors.encode(x);
                    if (raw == null) {
                        raw = new ByteArrayOutputStream(b.length);
                    }
                    raw.write(b);
                    g.writeObjectFieldStart("parameters");
                    g.writeNumberField("binary_data_size", b.length);
                    g.writeEndObject();
                } else {
                    g.writeArrayFieldStart("data");
                    writeData(g, x, dt);
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (raw == null) {
            return new Encoded(json.toByteArray(), -1);
        }
        int header = json.size();
        json.writeBytes(raw.toByteArray());
        return new Encoded(json.toByteArray(), header);
    }

    private static void writeData(JsonGenerator g, Tensor x, Datatype dt) throws IOException {
        int n = x.size();
        int o = x.offset();
        switch (x.dataType().storage()) {
            case F32 -> {
                float[] f = (float[]) x.array();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(f[o + i]);
                }
            }
            case F64 -> {
                double[] d = (double[]) x.array();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(d[o + i]);
                }
            }
            case I64 -> {
                long[] l = (long[]) x.array();
                for (int i = 0; i < n; i++) {
                    if (dt == Datatype.BOOL) {
                        g.writeBoolean(l[o + i] != 0);
                    } else if (dt == Datatype.UINT64 && l[o + i] < 0) {
                        g.writeNumber(Long.toUnsignedString(l[o + i]));
                    } else {
                        g.writeNumber(l[o + i]);
                    }
                }
            }
            case NONE -> throw new InferError(InferError.Kind.INTERNAL, "output of unsupported type " + x.dataType().onnxName());
        }
    }

    /** {@code {"error": message}}. */
    static byte[] error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }
}
