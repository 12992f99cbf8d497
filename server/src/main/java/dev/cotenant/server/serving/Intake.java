package dev.cotenant.server.serving;

import dev.cotenant.server.protocol.InferError;
import java.util.List;

/**
 * The server as its fronts see it: where a decoded request goes, whether new ones are taken, and
 * what the protocol's server metadata reports. The server provides it; the REST and gRPC fronts
 * call nothing else of the server, so they never depend on how it is put together.
 */
public interface Intake {

    /** The server's name in the protocol's metadata. */
    String NAME = "cotenant";

    /** The server's version in the protocol's metadata. */
    String VERSION = "0.1.0";

    /** The protocol extensions the server implements, as its metadata lists them. */
    List<String> EXTENSIONS = List.of("binary_tensor_data", "model_repository", "model_configuration", "statistics", "parameters",
            "schedule_policy");

    /**
     * Queues a decoded request, or throws the {@link InferError} that refused it at the door
     * (shutting down, queue full, SLO), having ended it refused ({@link InferRequest#refuse}).
     */
    void submit(InferRequest r);

    /**
     * Whether the server is ready: start-up is over, it is not draining, and (under strict
     * readiness) every model that should load has loaded.
     */
    boolean ready();

    /** Whether new requests are taken (false once the server drains); a loaded model is ready while this holds. */
    boolean taking();
}
