package dev.cotenant.server.front;

import dev.cotenant.server.access.Scope;
import dev.cotenant.server.access.Tokens;
import dev.cotenant.server.wire.ModelConfigRequest;
import dev.cotenant.server.wire.ModelInferRequest;
import dev.cotenant.server.wire.ModelMetadataRequest;
import dev.cotenant.server.wire.ModelReadyRequest;
import dev.cotenant.server.wire.ModelStatisticsRequest;
import dev.cotenant.server.wire.RepositoryModelLoadRequest;
import dev.cotenant.server.wire.RepositoryModelUnloadRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;

/**
 * Every gRPC call's door and log line. The door: the {@code authorization} metadata
 * ({@code Bearer TOKEN}) against the server's tokens, by what the call needs ({@link Scope}):
 * probes ({@code ServerLive}, {@code ServerReady}, {@code grpc.health.v1.Health}) are open, the
 * repository's load and unload need a control token, everything else an inference token. The log
 * line: one {@link AccessLine} per call, written when the call closes, with the model its request
 * named and, for an answered inference, where its time went ({@link #LINE}, set for the service).
 */
final class GrpcCalls implements ServerInterceptor {

    /** The access line of the call being served, for the service to fill in. */
    static final Context.Key<AccessLine> LINE = Context.key("cotenant-access-line");

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String SERVICE = "inference.GRPCInferenceService/";
    private static final Set<String> OPEN = Set.of(SERVICE + "ServerLive", SERVICE + "ServerReady");
    private static final Set<String> CONTROL = Set.of(SERVICE + "RepositoryModelLoad", SERVICE + "RepositoryModelUnload");

    private final Tokens tokens;

    GrpcCalls(Tokens tokens) {
        this.tokens = tokens;
    }

    /** What calling {@code method} (its full name) needs. */
    static Scope scope(String method) {
        if (OPEN.contains(method) || method.startsWith("grpc.health.v1.Health/")) {
            return Scope.OPEN;
        }
        return CONTROL.contains(method) ? Scope.CONTROL : Scope.INFER;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        AccessLine line = new AccessLine("grpc", "RPC", method, client(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        Scope scope = scope(method);
        if (scope == Scope.OPEN) {
            line.probe();
        }
        ServerCall<Q, A> logged = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                line.log(status.getCode().name());
                super.close(status, trailers);
            }
        };
        switch (tokens.check(headers.get(AUTHORIZATION), scope)) {
            case ALLOWED -> { }
            case UNAUTHENTICATED -> {
                logged.close(Status.UNAUTHENTICATED.withDescription(
                        "a bearer token is required: send the metadata 'authorization: Bearer TOKEN' with a token of the server's --auth-token-file"),
                        new Metadata());
                return new ServerCall.Listener<>() { };
            }
            case FORBIDDEN -> {
                logged.close(Status.PERMISSION_DENIED.withDescription("this token may not call " + method + ": it needs a control token"),
                        new Metadata());
                return new ServerCall.Listener<>() { };
            }
        }
        ServerCall.Listener<Q> inner = Contexts.interceptCall(Context.current().withValue(LINE, line), logged, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
            @Override
            public void onMessage(Q message) {
                named(line, message);
                super.onMessage(message);
            }
        };
    }

    /** Notes the model a request names, for the log line. */
    private static void named(AccessLine line, Object message) {
        switch (message) {
            case ModelInferRequest r -> line.model(r.getModelName(), r.getModelVersion());
            case ModelMetadataRequest r -> line.model(r.getName(), r.getVersion());
            case ModelConfigRequest r -> line.model(r.getName(), r.getVersion());
            case ModelReadyRequest r -> line.model(r.getName(), r.getVersion());
            case ModelStatisticsRequest r -> {
                if (!r.getName().isEmpty()) {
                    line.model(r.getName(), r.getVersion());
                }
            }
            case RepositoryModelLoadRequest r -> line.model(r.getModelName(), null);
            case RepositoryModelUnloadRequest r -> line.model(r.getModelName(), null);
            default -> { }
        }
    }

    private static String client(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() + ":" + i.getPort() : String.valueOf(a);
    }
}
