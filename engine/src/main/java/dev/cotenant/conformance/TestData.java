package dev.cotenant.conformance;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.onnx.proto.OnnxProto.OptionalProto;
import dev.cotenant.onnx.proto.OnnxProto.SequenceProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TypeProto;
import dev.cotenant.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code test_data_set_N} folder: {@code input_K.pb} is the K-th fed graph input and
 * {@code output_K.pb} the K-th graph output. Each file is a {@code TensorProto}, or a
 * {@code SequenceProto} / {@code OptionalProto} when the graph declares that kind of value.
 *
 * @param unsupported why the data cannot be held by the engine (a data type it does not support), or {@code null}
 */
record TestData(Path dir, Map<String, Value> inputs, Map<String, Value> outputs, String unsupported) {

    static TestData read(Path dir, List<ValueInfoProto> feeds, List<ValueInfoProto> outputs) throws IOException {
        Map<String, Value> ins = new LinkedHashMap<>();
        Map<String, Value> outs = new LinkedHashMap<>();
        for (int k = 0; k < feeds.size(); k++) {
            Path f = dir.resolve("input_" + k + ".pb");
            if (!Files.exists(f)) {
                break;
            }
            ValueInfoProto v = feeds.get(k);
            String bad = unsupported(f, v.getType(), "input '" + v.getName() + "'");
            if (bad != null) {
                return new TestData(dir, ins, outs, bad);
            }
            ins.put(v.getName(), value(f, v.getType()));
        }
        for (int k = 0; k < outputs.size(); k++) {
            Path f = dir.resolve("output_" + k + ".pb");
            ValueInfoProto v = outputs.get(k);
            if (!Files.exists(f)) {
                throw new ModelException(dir + ": expected value of output '" + v.getName() + "' is missing (output_" + k + ".pb)");
            }
            String bad = unsupported(f, v.getType(), "expected output '" + v.getName() + "'");
            if (bad != null) {
                return new TestData(dir, ins, outs, bad);
            }
            outs.put(v.getName(), value(f, v.getType()));
        }
        return new TestData(dir, ins, outs, null);
    }

    private static String unsupported(Path f, TypeProto type, String where) throws IOException {
        byte[] b = Files.readAllBytes(f);
        return switch (type.getValueCase()) {
            case SEQUENCE_TYPE -> UnsupportedTypes.in(SequenceProto.parseFrom(b), where);
            case OPTIONAL_TYPE -> UnsupportedTypes.in(OptionalProto.parseFrom(b), where);
            default -> UnsupportedTypes.in(TensorProto.parseFrom(b), where);
        };
    }

    private static Value value(Path f, TypeProto type) throws IOException {
        byte[] b = Files.readAllBytes(f);
        Path base = f.toAbsolutePath().getParent();
        try {
            return switch (type.getValueCase()) {
                case SEQUENCE_TYPE -> sequence(SequenceProto.parseFrom(b), base, f);
                case OPTIONAL_TYPE -> optional(OptionalProto.parseFrom(b), base, f);
                case MAP_TYPE -> throw new ModelException(f + ": map values are not supported");
                default -> new Value.One(OnnxImport.tensor(TensorProto.parseFrom(b), base, f.toString()), false);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(f + ": not a valid ONNX value: " + e.getMessage());
        }
    }

    private static Value sequence(SequenceProto s, Path base, Path f) {
        if (s.getSequenceValuesCount() > 0 || s.getMapValuesCount() > 0 || s.getOptionalValuesCount() > 0 || s.getSparseTensorValuesCount() > 0) {
            throw new ModelException(f + ": sequences of anything but tensors are not supported");
        }
        List<Tensor> ts = new ArrayList<>();
        for (TensorProto t : s.getTensorValuesList()) {
            ts.add(OnnxImport.tensor(t, base, f.toString()));
        }
        return new Value.Many(ts);
    }

    private static Value optional(OptionalProto o, Path base, Path f) {
        if (o.hasTensorValue()) {
            return new Value.One(OnnxImport.tensor(o.getTensorValue(), base, f.toString()), true);
        }
        if (o.hasSequenceValue()) {
            return sequence(o.getSequenceValue(), base, f);
        }
        if (o.hasMapValue() || o.hasOptionalValue() || o.hasSparseTensorValue()) {
            throw new ModelException(f + ": optional values of this kind are not supported");
        }
        return new Value.None();
    }
}
