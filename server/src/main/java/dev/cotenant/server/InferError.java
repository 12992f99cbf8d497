package dev.cotenant.server;

/**
 * A request that cannot be served, with the kind of failure that decides the HTTP status and gRPC
 * code, and a message that names what was wrong. The {@link Kind} also labels failure metrics.
 */
final class InferError extends RuntimeException {

    /** Why a request failed; each maps to one HTTP status and one gRPC status code. */
    enum Kind {
        BAD_REQUEST(400, "INVALID_ARGUMENT", "rejected"),
        NOT_FOUND(404, "NOT_FOUND", "rejected"),
        TOO_LARGE(413, "INVALID_ARGUMENT", "rejected"),
        UNAVAILABLE(503, "UNAVAILABLE", "unavailable"),
        OVERLOADED(503, "RESOURCE_EXHAUSTED", "queue_full"),
        TIMEOUT(503, "DEADLINE_EXCEEDED", "timeout"),
        INTERNAL(500, "INTERNAL", "backend");

        final int httpStatus;
        final String grpcCode;
        /** The {@code reason} label of the failure counter (Triton's vocabulary where it has one). */
        final String reason;

        Kind(int httpStatus, String grpcCode, String reason) {
            this.httpStatus = httpStatus;
            this.grpcCode = grpcCode;
            this.reason = reason;
        }
    }

    private final Kind kind;

    InferError(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    static InferError badRequest(String message) {
        return new InferError(Kind.BAD_REQUEST, message);
    }

    static InferError notFound(String message) {
        return new InferError(Kind.NOT_FOUND, message);
    }

    Kind kind() {
        return kind;
    }
}
