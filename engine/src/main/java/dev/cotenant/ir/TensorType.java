package dev.cotenant.ir;

/** The type of a tensor value: element type and shape. */
public record TensorType(DataType dataType, Shape shape) {

    public static TensorType of(DataType t, int... dims) {
        return new TensorType(t, Shape.of(dims));
    }

    public int rank() {
        return shape.rank();
    }

    public int[] dims() {
        return shape.dims();
    }

    @Override
    public String toString() {
        return dataType.onnxName() + shape;
    }
}
