package dev.cotenant.server.load;

import com.google.protobuf.ByteString;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.Datatype;
import dev.cotenant.server.protocol.RawTensors;
import dev.cotenant.server.protocol.TensorSpec;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.ModelInferRequest;
import dev.cotenant.server.wire.ModelInferResponse;
import dev.cotenant.server.wire.ModelMetadataRequest;
import dev.cotenant.server.wire.ModelMetadataResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC transport: {@code ModelMetadata} for the inputs, then {@code ModelInfer} with the
 * tensors in {@code raw_input_contents}, on one channel (HTTP/2 multiplexes the calls). A refusal
 * by the server (RESOURCE_EXHAUSTED, or UNAVAILABLE with the server's reason) counts as rejected,
 * like REST's 503; a connection that fails is an error.
 */
final class GrpcTransport implements Transport<ModelInferRequest> {

    private final String target;
    private final ManagedChannel channel;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;

    /**
     * A transport to {@code target} ({@code host:port} of the gRPC port); {@code token} null for
     * none; {@code caCert} null for plaintext, else TLS trusting only that PEM file's certificates.
     */
    GrpcTransport(String target, String token, Path caCert) {
        this.target = target;
        this.channel = builder(target, caCert).maxInboundMessageSize(Integer.MAX_VALUE).build();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceStub a = GRPCInferenceServiceGrpc.newStub(channel);
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub b = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        if (token != null) {
            Metadata m = new Metadata();
            m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            a = a.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
            b = b.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
        }
        this.async = a;
        this.blocking = b;
    }

    private static NettyChannelBuilder builder(String target, Path caCert) {
        if (caCert == null) {
            return NettyChannelBuilder.forTarget(target).usePlaintext();
        }
        try {
            return NettyChannelBuilder.forTarget(target, TlsChannelCredentials.newBuilder().trustManager(caCert.toFile()).build());
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelException("--ca-cert " + caCert + ": not a readable PEM certificate: " + e.getMessage());
        }
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public List<TensorSpec> inputs(String model) {
        ModelMetadataResponse meta;
        try {
            meta = blocking.withDeadlineAfter(10, TimeUnit.SECONDS).modelMetadata(ModelMetadataRequest.newBuilder().setName(model).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE && e.getStatus().getCause() != null
                    || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                throw new ModelException("cannot reach " + target + " over gRPC: " + Transport.describe(e.getStatus().getCause() == null ? e
                        : e.getStatus().getCause()) + " (is `cotenant serve` running there, and is this its gRPC port?)");
            }
            throw new ModelException("model '" + model + "': " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        }
        List<TensorSpec> out = new ArrayList<>();
        for (ModelMetadataResponse.TensorMetadata t : meta.getInputsList()) {
            out.add(new TensorSpec(t.getName(), Datatype.parse(t.getDatatype(), "input '" + t.getName() + "'"),
                    t.getShapeList().stream().mapToLong(Long::longValue).toArray()));
        }
        return out;
    }

    @Override
    public ModelInferRequest prepare(String model, List<TensorSpec> specs, List<Tensor> tensors, List<long[]> shapes) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(model);
        for (int i = 0; i < specs.size(); i++) {
            ModelInferRequest.InferInputTensor.Builder in = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(specs.get(i).name()).setDatatype(specs.get(i).datatype().name());
            for (long d : shapes.get(i)) {
                in.addShape(d);
            }
            b.addInputs(in);
            b.addRawInputContents(ByteString.copyFrom(RawTensors.encode(tensors.get(i))));
        }
        return b.build();
    }

    @Override
    public CompletableFuture<Outcome> send(ModelInferRequest request) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        async.withDeadlineAfter(60, TimeUnit.SECONDS).modelInfer(request, new StreamObserver<>() {
            @Override
            public void onNext(ModelInferResponse value) {
                f.complete(Outcome.OK);
            }

            @Override
            public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                boolean refused = s.getCode() == Status.Code.RESOURCE_EXHAUSTED
                        || s.getCode() == Status.Code.UNAVAILABLE && s.getCause() == null && s.getDescription() != null;
                String problem = s.getCause() != null ? Transport.describe(s.getCause()) : s.getCode() + ": " + s.getDescription();
                f.complete(new Outcome(refused ? Kind.REJECTED : Kind.ERROR, problem));
            }

            @Override
            public void onCompleted() {
                f.complete(Outcome.OK);
            }
        });
        return f;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
