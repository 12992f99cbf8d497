package dev.cotenant.ir;

import java.util.List;
import java.util.Map;

/**
 * One operator application. An empty string among {@code inputs} or {@code outputs} marks an
 * optional value that is absent, as in ONNX. {@code domain} is {@code ""} for the standard
 * operator set ({@code ai.onnx} is normalised to it on import).
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   Map<String, Attribute> attributes) {

    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** A name for messages: the node's name, or its op type and first output when it has none. */
    public String label() {
        if (name != null && !name.isEmpty()) {
            return name;
        }
        return opType + (outputs.isEmpty() ? "" : " -> " + outputs.getFirst());
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(name, opType, domain, newInputs, outputs, attributes);
    }

    public Node withOutputs(List<String> newOutputs) {
        return new Node(name, opType, domain, inputs, newOutputs, attributes);
    }
}
