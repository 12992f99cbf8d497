package dev.cotenant.server.protocol;

/**
 * A model input or output as the protocol's metadata shows it: name, datatype and shape, -1 for a
 * dimension that varies (the batch dimension of a batching model, a symbolic dimension).
 */
public record TensorSpec(String name, Datatype datatype, long[] shape) {

    /** Checks a request's declared tensor against this spec; the message names the tensor and the mismatch. */
    public void check(Datatype given, long[] givenShape, String where) {
        if (given != datatype) {
            throw InferError.badRequest(where + ": datatype " + given + " but the model expects " + datatype);
        }
        if (givenShape.length != shape.length) {
            throw InferError.badRequest(where + ": shape " + java.util.Arrays.toString(givenShape) + " has rank " + givenShape.length
                    + " but the model expects rank " + shape.length + " " + java.util.Arrays.toString(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (givenShape[i] < 0 || (shape[i] >= 0 && givenShape[i] != shape[i])) {
                throw InferError.badRequest(where + ": shape " + java.util.Arrays.toString(givenShape) + " does not match the model's "
                        + java.util.Arrays.toString(shape) + " at dimension " + i);
            }
        }
    }
}
