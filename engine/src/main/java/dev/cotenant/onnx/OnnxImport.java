package dev.cotenant.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.Topology;
import dev.cotenant.onnx.proto.OnnxProto.ModelProto;
import dev.cotenant.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import dev.cotenant.ops.OpTable;
import dev.cotenant.runtime.Footprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads ONNX models into {@link Model}s.
 *
 * <p>Everything that can be checked without knowing input shapes is checked here, so a bad file
 * fails when it is loaded, with one message that names the file and what is wrong in it: not a
 * model at all, a constant of a data type the engine does not hold, external data outside the
 * model's folder, a graph that is not a DAG or uses a value nothing defines. Operators are looked
 * up later, when a model is planned. Model-local functions are inlined here, so a loaded graph
 * holds operators only.
 */
public final class OnnxImport {

    private OnnxImport() {}

    /** Loads the model in {@code file}; external data is read from the file's folder. */
    public static Model load(Path file) {
        byte[] bytes;
        try {
            bytes = FileBytes.readAll(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": no such file");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        long size = bytes.length;
        ModelProto proto = parse(bytes, file.toString());
        bytes = null;
        Model m = decode(proto, dir, file);
        // The raw weights in the message are windows onto the file's bytes: both die here.
        proto = null;
        Footprint.released(size);
        return m;
    }

    /**
     * Loads a model from its bytes; {@code baseDir} is the folder external data is read from, or
     * {@code null} when the model must not have any.
     */
    public static Model load(byte[] bytes, Path baseDir) {
        return decode(parse(bytes, "model"), baseDir, null);
    }

    /** Reads one serialized {@code TensorProto} (the {@code .pb} files of ONNX test data). */
    public static Tensor readTensor(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        TensorProto t;
        try {
            t = TensorProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(file + ": not a valid ONNX tensor: " + e.getMessage());
        }
        return tensor(t, file.toAbsolutePath().getParent(), file.toString());
    }

    /** Decodes a {@code TensorProto}; {@code where} names it in messages. */
    public static Tensor tensor(TensorProto t, Path baseDir, String where) {
        return TensorDecoder.decode(t, baseDir, where + (t.getName().isEmpty() ? "" : ": tensor '" + t.getName() + "'"));
    }

    /**
     * Parses model bytes, with one clear message for anything that is not a model. The returned
     * message shares {@code bytes}: every {@code raw_data} field is a window onto them, not a copy
     * (a model is mostly raw weights, so a copy would double the memory import needs). Callers
     * must not change {@code bytes} while the message is in use.
     */
    public static ModelProto parse(byte[] bytes, String where) {
        ModelProto m;
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            in.enableAliasing(true);
            in.setRecursionLimit(1000);
            m = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(where + ": not a valid ONNX model: " + firstLine(e.getMessage()));
        } catch (IOException e) {
            throw new ModelException(where + ": not a valid ONNX model: " + firstLine(e.getMessage()));
        }
        if (!m.hasGraph()) {
            throw new ModelException(where + ": not a valid ONNX model: it has no graph");
        }
        if (m.getIrVersion() <= 0) {
            throw new ModelException(where + ": not a valid ONNX model: it has no IR version");
        }
        return m;
    }

    /**
     * Loads an already parsed model; {@code baseDir} is the folder external data is read from
     * ({@code null}: none allowed), {@code source} where it came from, for messages (may be null).
     */
    public static Model load(ModelProto m, Path baseDir, Path source) {
        if (!m.hasGraph()) {
            throw new ModelException((source != null ? source : "model") + ": not a valid ONNX model: it has no graph");
        }
        return decode(m, baseDir, source);
    }

    private static Model decode(ModelProto m, Path baseDir, Path source) {
        String where = source != null ? source.toString() : "model";
        try {
            Map<String, Integer> opsets = new HashMap<>();
            for (OperatorSetIdProto o : m.getOpsetImportList()) {
                opsets.put(OpTable.normalise(o.getDomain()), Math.toIntExact(o.getVersion()));
            }
            for (var f : m.getFunctionsList()) {
                for (OperatorSetIdProto o : f.getOpsetImportList()) {
                    // The model's own imports win; a function only adds domains the model does not import.
                    opsets.putIfAbsent(OpTable.normalise(o.getDomain()), Math.toIntExact(o.getVersion()));
                }
            }
            Set<String> names = new HashSet<>();
            FunctionInliner.collectNames(m.getGraph(), names);
            FunctionInliner inliner = new FunctionInliner(m.getFunctionsList(), names);
            Graph g = new GraphDecoder(baseDir, inliner).graph(m.getGraph(), true);
            Topology.order(g);
            return new Model(g, opsets, m.getIrVersion(), m.getProducerName(), source);
        } catch (ModelException e) {
            throw new ModelException(where + ": " + e.getMessage(), e);
        } catch (ArithmeticException e) {
            throw new ModelException(where + ": an opset version is out of range", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
