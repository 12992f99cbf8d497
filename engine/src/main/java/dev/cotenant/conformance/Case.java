package dev.cotenant.conformance;

import java.nio.file.Path;
import java.util.List;

/**
 * One conformance case.
 *
 * <p>A {@link Kind#NODE} case is an ONNX backend-test folder: {@code model.onnx} and one or more
 * {@code test_data_set_*} folders of {@code input_N.pb} / {@code output_N.pb}. A
 * {@link Kind#LIGHT} case is a {@code light_X.onnx} model with only its expected output
 * ({@code light_X_output_0.pb}); its inputs are generated.
 *
 * @param data the data-set folders of a node case, or the expected-output file of a light case
 */
public record Case(String name, Kind kind, Path model, List<Path> data) {

    public enum Kind { NODE, LIGHT }

    public Case {
        data = List.copyOf(data);
    }
}
