package dev.cotenant.server.protocol;

/**
 * A request that cannot be served, with the kind of failure that decides the HTTP status and gRPC
 * code, and a message that names what was wrong. The {@link Kind} also labels failure metrics.
 */
public final class InferError extends RuntimeException {

    /** Why a request failed; each maps to one HTTP status and one gRPC status code. */
    public enum Kind {
        BAD_REQUEST(400, "INVALID_ARGUMENT", "bad_request", true),
        UNAUTHENTICATED(401, "UNAUTHENTICATED", "unauthenticated", true),
        FORBIDDEN(403, "PERMISSION_DENIED", "forbidden", true),
        NOT_FOUND(404, "NOT_FOUND", "not_found", true),
        TOO_LARGE(413, "INVALID_ARGUMENT", "too_large", true),
        UNAVAILABLE(503, "UNAVAILABLE", "unavailable", false),
        OVERLOADED(503, "RESOURCE_EXHAUSTED", "queue_full", false),
        TIMEOUT(503, "DEADLINE_EXCEEDED", "timeout", false),
        INTERNAL(500, "INTERNAL", "backend", false);

        private final int httpStatus;
        private final String grpcCode;
        private final String reason;
        private final boolean clientError;

        Kind(int httpStatus, String grpcCode, String reason, boolean clientError) {
            this.httpStatus = httpStatus;
            this.grpcCode = grpcCode;
            this.reason = reason;
            this.clientError = clientError;
        }

        /**
         * Whether the client asked for something wrong (a malformed or unknown request, no
         * permission): counted apart from the server's own failures, which are what an operator is
         * paged for.
         */
        public boolean clientError() {
            return clientError;
        }

        /** The HTTP status of a REST answer failing this way. */
        public int httpStatus() {
            return httpStatus;
        }

        /** The gRPC status code's name of a gRPC answer failing this way. */
        public String grpcCode() {
            return grpcCode;
        }

        /** The {@code reason} label of the failure or client-error counter. */
        public String reason() {
            return reason;
        }
    }

    private final Kind kind;

    public InferError(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static InferError badRequest(String message) {
        return new InferError(Kind.BAD_REQUEST, message);
    }

    public static InferError notFound(String message) {
        return new InferError(Kind.NOT_FOUND, message);
    }

    public Kind kind() {
        return kind;
    }
}
