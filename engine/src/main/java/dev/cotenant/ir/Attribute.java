package dev.cotenant.ir;

import java.util.List;

/** A node attribute, one record per ONNX attribute kind. */
public sealed interface Attribute {

    record Int(long value) implements Attribute {}

    record Float(float value) implements Attribute {}

    record Str(String value) implements Attribute {}

    record TensorValue(Tensor value) implements Attribute {}

    record GraphValue(Graph value) implements Attribute {}

    record Ints(List<Long> values) implements Attribute {}

    record Floats(List<java.lang.Float> values) implements Attribute {}

    record Strs(List<String> values) implements Attribute {}

    record Tensors(List<Tensor> values) implements Attribute {}

    record Graphs(List<Graph> values) implements Attribute {}

    /** The ONNX name of this attribute's kind, for messages. */
    default String kind() {
        return switch (this) {
            case Int i -> "int";
            case Float f -> "float";
            case Str s -> "string";
            case TensorValue t -> "tensor";
            case GraphValue g -> "graph";
            case Ints i -> "ints";
            case Floats f -> "floats";
            case Strs s -> "strings";
            case Tensors t -> "tensors";
            case Graphs g -> "graphs";
        };
    }
}
