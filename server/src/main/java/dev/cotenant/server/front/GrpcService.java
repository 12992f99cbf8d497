package dev.cotenant.server.front;

import com.google.protobuf.ByteString;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.protocol.Datatype;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.InferResult;
import dev.cotenant.server.protocol.RawTensors;
import dev.cotenant.server.protocol.TensorSpec;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.Intake;
import dev.cotenant.server.serving.ServedModel;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.InferParameter;
import dev.cotenant.server.wire.InferTensorContents;
import dev.cotenant.server.wire.ModelConfigRequest;
import dev.cotenant.server.wire.ModelConfigResponse;
import dev.cotenant.server.wire.ModelInferRequest;
import dev.cotenant.server.wire.ModelInferResponse;
import dev.cotenant.server.wire.ModelMetadataRequest;
import dev.cotenant.server.wire.ModelMetadataResponse;
import dev.cotenant.server.wire.ModelReadyRequest;
import dev.cotenant.server.wire.ModelReadyResponse;
import dev.cotenant.server.wire.ModelStatisticsRequest;
import dev.cotenant.server.wire.ModelStatisticsResponse;
import dev.cotenant.server.wire.RepositoryIndexRequest;
import dev.cotenant.server.wire.RepositoryIndexResponse;
import dev.cotenant.server.wire.RepositoryModelLoadRequest;
import dev.cotenant.server.wire.RepositoryModelLoadResponse;
import dev.cotenant.server.wire.RepositoryModelUnloadRequest;
import dev.cotenant.server.wire.RepositoryModelUnloadResponse;
import dev.cotenant.server.wire.ServerLiveRequest;
import dev.cotenant.server.wire.ServerLiveResponse;
import dev.cotenant.server.wire.ServerMetadataRequest;
import dev.cotenant.server.wire.ServerMetadataResponse;
import dev.cotenant.server.wire.ServerReadyRequest;
import dev.cotenant.server.wire.ServerReadyResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code inference.GRPCInferenceService} over the messages generated from {@code grpc_service.proto}.
 * Decoding feeds the same {@link Admission} checks as REST, so a bad request gets the same message
 * either way, as a gRPC status. Callers are let in, and their calls logged, by {@link GrpcCalls}.
 */
final class GrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcFront.class);

    private final Intake intake;
    private final Repository repository;
    private final ModelControl modelControl;
    private final GrpcRepository rpcs;

    GrpcService(Intake intake, Repository repository, ModelControl modelControl) {
        this.intake = intake;
        this.repository = repository;
        this.modelControl = modelControl;
        this.rpcs = new GrpcRepository(repository);
    }

    /** The gRPC status of a failure; an unexpected one is logged with its stack trace, and answers INTERNAL. */
    static Status status(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return switch (c) {
            case InferError ie -> Status.fromCode(Status.Code.valueOf(ie.kind().grpcCode())).withDescription(ie.getMessage());
            case ModelException me -> Status.INVALID_ARGUMENT.withDescription(me.getMessage());
            default -> {
                LOG.error("gRPC call failed: {}", c.toString(), c);
                yield Status.INTERNAL.withDescription("internal error: " + c);
            }
        };
    }

    /** Answers {@code out} with what {@code answer} returns, or with the status of what it threw. */
    private static <T> void unary(StreamObserver<T> out, Supplier<T> answer) {
        T value;
        try {
            value = answer.get();
        } catch (RuntimeException e) {
            out.onError(status(e).asRuntimeException());
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
        unary(out, () -> rpcs.statistics(request));
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
        unary(out, () -> rpcs.index(request));
    }

    @Override
    public void repositoryModelLoad(RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
        unary(out, () -> {
            RestRoutes.checkModelControl(modelControl, "load");
            rpcs.load(request);
            return RepositoryModelLoadResponse.getDefaultInstance();
        });
    }

    @Override
    public void repositoryModelUnload(RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
        unary(out, () -> {
            RestRoutes.checkModelControl(modelControl, "unload");
            rpcs.unload(request);
            return RepositoryModelUnloadResponse.getDefaultInstance();
        });
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        out.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        out.onNext(ServerReadyResponse.newBuilder().setReady(intake.ready()).build());
        out.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        boolean ready;
        try {
            repository.find(request.getName(), request.getVersion());
            ready = intake.taking();
        } catch (InferError e) {
            if (repository.entry(request.getName()) == null) {
                out.onError(status(e).asRuntimeException());
                return;
            }
            ready = false;
        }
        out.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
        out.onCompleted();
    }

    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
        unary(out, () -> ModelConfigResponse.newBuilder().setConfig(repository.config(request.getName(), request.getVersion())).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        out.onNext(ServerMetadataResponse.newBuilder().setName(Intake.NAME).setVersion(Intake.VERSION)
                .addAllExtensions(Intake.EXTENSIONS)
                .build());
        out.onCompleted();
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        try {
            ServedModel t = repository.find(request.getName(), request.getVersion());
            ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(t.name())
                    .setPlatform(repository.config(request.getName(), request.getVersion()).getPlatform());
            if (request.getVersion().isEmpty()) {
                b.addAllVersions(repository.entry(t.name()).versions().keySet());
            } else {
                b.addVersions(t.version());
            }
            for (TensorSpec s : t.inputs()) {
                b.addInputs(meta(s));
            }
            for (TensorSpec s : t.outputs()) {
                b.addOutputs(meta(s));
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(status(e).asRuntimeException());
        }
    }

    private ModelMetadataResponse.TensorMetadata meta(TensorSpec s) {
        ModelMetadataResponse.TensorMetadata.Builder m = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(s.name()).setDatatype(s.datatype().name());
        for (long d : s.shape()) {
            m.addShape(d);
        }
        return m.build();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        long arrived = System.nanoTime();
        InferRequest r;
        ServedModel t;
        try {
            t = repository.find(request.getModelName(), request.getModelVersion());
            try {
                r = decode(t, request, arrived);
            } catch (InferError e) {
                t.stats().failure(e.kind(), System.nanoTime() - arrived);
                throw e;
            }
            intake.submit(r);
        } catch (RuntimeException e) {
            out.onError(status(e).asRuntimeException());
            return;
        }
        r.result().whenComplete((res, e) -> {
            if (e != null) {
                out.onError(status(e).asRuntimeException());
                return;
            }
            try {
                AccessLine line = GrpcCalls.LINE.get();
                if (line != null) {
                    line.answered(res);
                }
                out.onNext(encode(t, r.id(), res));
                out.onCompleted();
            } catch (RuntimeException x) {
                out.onError(status(x).asRuntimeException());
            }
        });
    }

    private static InferRequest decode(ServedModel t, ModelInferRequest request, long arrived) {
        int raw = request.getRawInputContentsCount();
        if (raw > 0 && raw != request.getInputsCount()) {
            throw InferError.badRequest("raw_input_contents has " + raw + " entries for " + request.getInputsCount() + " inputs");
        }
        Map<String, Tensor> given = new HashMap<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor in = request.getInputs(i);
            String where = "input '" + in.getName() + "'";
            TensorSpec spec = Admission.inputSpec(t, in.getName());
            if (given.containsKey(in.getName())) {
                throw InferError.badRequest(where + " is given twice");
            }
            Datatype dt = Datatype.parse(in.getDatatype().isEmpty() ? null : in.getDatatype(), where);
            long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
            spec.check(dt, shape, where);
            Admission.checkBatch(t, shape, where);
            Tensor x;
            if (raw > 0) {
                ByteString b = request.getRawInputContents(i);
                x = RawTensors.decode(b.toByteArray(), 0, b.size(), dt, shape, where);
            } else {
                x = fromContents(in.getContents(), dt, shape, where);
            }
            given.put(in.getName(), x);
        }
        Set<String> outputs = null;
        if (request.getOutputsCount() > 0) {
            outputs = new LinkedHashSet<>();
            for (ModelInferRequest.InferRequestedOutputTensor o : request.getOutputsList()) {
                Admission.checkOutput(t, o.getName());
                outputs.add(o.getName());
            }
        }
        return Admission.admit(t, request.getId(), given, outputs, param(request, "priority"), param(request, "timeout"), arrived);
    }

    private static long param(ModelInferRequest request, String key) {
        InferParameter p = request.getParametersMap().get(key);
        if (p == null) {
            return 0;
        }
        return switch (p.getParameterChoiceCase()) {
            case INT64_PARAM -> p.getInt64Param();
            case UINT64_PARAM -> p.getUint64Param();
            default -> throw InferError.badRequest("parameter '" + key + "' must be an integer parameter");
        };
    }

    private static Tensor fromContents(InferTensorContents c, Datatype dt, long[] shape, String where) {
        int[] d = RawTensors.dims(shape, where);
        DataType engine = dt.engine();
        Tensor x = Tensor.allocate(engine, d);
        int n;
        switch (dt) {
            case FP32 -> {
                n = c.getFp32ContentsCount();
                check(n, x, where, "fp32_contents");
                for (int i = 0; i < n; i++) {
                    x.floats()[i] = c.getFp32Contents(i);
                }
            }
            case FP64 -> {
                n = c.getFp64ContentsCount();
                check(n, x, where, "fp64_contents");
                for (int i = 0; i < n; i++) {
                    x.doubles()[i] = c.getFp64Contents(i);
                }
            }
            case INT8, INT16, INT32 -> {
                n = c.getIntContentsCount();
                check(n, x, where, "int_contents");
                for (int i = 0; i < n; i++) {
                    x.setLong(i, c.getIntContents(i));
                }
            }
            case INT64 -> {
                n = c.getInt64ContentsCount();
                check(n, x, where, "int64_contents");
                for (int i = 0; i < n; i++) {
                    x.setLong(i, c.getInt64Contents(i));
                }
            }
            case UINT8, UINT16, UINT32 -> {
                n = c.getUintContentsCount();
                check(n, x, where, "uint_contents");
                for (int i = 0; i < n; i++) {
                    x.setLong(i, Integer.toUnsignedLong(c.getUintContents(i)));
                }
            }
            case UINT64 -> {
                n = c.getUint64ContentsCount();
                check(n, x, where, "uint64_contents");
                for (int i = 0; i < n; i++) {
                    x.setLong(i, c.getUint64Contents(i));
                }
            }
            case BOOL -> {
                n = c.getBoolContentsCount();
                check(n, x, where, "bool_contents");
                for (int i = 0; i < n; i++) {
                    x.setLong(i, c.getBoolContents(i) ? 1 : 0);
                }
            }
            case FP16, BYTES, BF16 -> throw InferError.badRequest(where + ": datatype " + dt + " must be sent in raw_input_contents");
        }
        return x;
    }

    private static void check(int n, Tensor x, String where, String field) {
        if (n != x.size()) {
            throw InferError.badRequest(where + ": " + field + " has " + n + " elements but the shape needs " + x.size());
        }
    }

    private static ModelInferResponse encode(ServedModel t, String id, InferResult r) {
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder().setModelName(t.name()).setModelVersion(t.version()).setId(id);
        if (r.simulatedOutputs()) {
            // --sim-outputs none: the tensors below are zeros, never computed; say so in the answer
            b.putParameters("simulated_outputs", InferParameter.newBuilder().setBoolParam(true).build());
        }
        for (Map.Entry<String, Tensor> e : r.outputs().entrySet()) {
            Tensor x = e.getValue();
            ModelInferResponse.InferOutputTensor.Builder o = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(e.getKey()).setDatatype(Datatype.of(x.dataType()).name());
            for (int d : x.shape()) {
                o.addShape(d);
            }
            b.addOutputs(o);
            b.addRawOutputContents(ByteString.copyFrom(RawTensors.encode(x)));
        }
        return b.build();
    }
}
