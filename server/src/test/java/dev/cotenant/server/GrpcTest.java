package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.InferParameter;
import dev.cotenant.server.wire.InferTensorContents;
import dev.cotenant.server.wire.ModelInferRequest;
import dev.cotenant.server.wire.ModelInferResponse;
import dev.cotenant.server.wire.ModelMetadataRequest;
import dev.cotenant.server.wire.ModelMetadataResponse;
import dev.cotenant.server.wire.ModelReadyRequest;
import dev.cotenant.server.wire.ServerLiveRequest;
import dev.cotenant.server.wire.ServerMetadataRequest;
import dev.cotenant.server.wire.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC service on the wire, through a real channel to a real server on loopback. */
class GrpcTest {

    @TempDir
    static Path repo;
    static Server server;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 4");
        Fixtures.put(repo, "doubler", Fixtures.doubler(), null);
        server = Server.start(Fixtures.options(repo));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void healthAndMetadata() {
        assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertEquals("cotenant", stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
        assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName("tiny").build()).getReady());
        ModelMetadataResponse m = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("tiny").build());
        assertEquals("x", m.getInputs(0).getName());
        assertEquals("FP32", m.getInputs(0).getDatatype());
        assertEquals(java.util.List.of(-1L, 16L), m.getInputs(0).getShapeList());
        assertEquals("relu.out", m.getOutputs(0).getName());
    }

    @Test
    void inferWithRawContents() {
        ByteBuffer b = ByteBuffer.allocate(2 * 16 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 32; i++) {
            b.putFloat(i < 16 ? 1f : -100f);
        }
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("tiny").setId("g1")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32").addShape(2).addShape(16))
                .addRawInputContents(ByteString.copyFrom(b.array()))
                .putParameters("priority", InferParameter.newBuilder().setInt64Param(1).build())
                .build();
        ModelInferResponse r = stub.modelInfer(req);
        assertEquals("g1", r.getId());
        assertEquals("tiny", r.getModelName());
        assertEquals(java.util.List.of(2L, 16L), r.getOutputs(0).getShapeList());
        float[] y = new float[32];
        r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(y);
        assertEquals(1f, y[0]);
        assertEquals(16f, y[15]);
        assertEquals(0f, y[16]);
    }

    @Test
    void inferWithTypedContents() {
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("doubler").setModelVersion("1")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("INT64").addShape(1).addShape(3)
                        .setContents(InferTensorContents.newBuilder().addInt64Contents(7).addInt64Contents(-1).addInt64Contents(0)))
                .build();
        ModelInferResponse r = stub.modelInfer(req);
        long[] y = new long[3];
        r.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(y);
        assertArrayEquals(new long[] {14, -2, 0}, y);
    }

    @Test
    void aFullQueueAnswersResourceExhaustedAtOnce(@TempDir Path slowRepo) throws Exception {
        Fixtures.put(slowRepo, "slow", Fixtures.slow(8), "max_batch_size: 1 dynamic_batching { default_queue_policy { max_queue_size: 1 } }");
        try (Server s = Server.start(Fixtures.options(slowRepo).withPorts(0, 0))) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                var async = GRPCInferenceServiceGrpc.newFutureStub(ch);
                ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("slow")
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                                .addShape(1).addShape(128).addShape(512))
                        .addRawInputContents(ByteString.copyFrom(new byte[128 * 512 * 4])).build();
                java.util.List<com.google.common.util.concurrent.ListenableFuture<ModelInferResponse>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(async.modelInfer(req));
                }
                int ok = 0;
                int exhausted = 0;
                for (var c : calls) {
                    try {
                        c.get(60, TimeUnit.SECONDS);
                        ok++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        StatusRuntimeException sre = (StatusRuntimeException) e.getCause();
                        assertEquals("RESOURCE_EXHAUSTED", sre.getStatus().getCode().name(), sre.getStatus().toString());
                        assertTrue(sre.getStatus().getDescription().contains("is full"), sre.getStatus().getDescription());
                        exhausted++;
                    }
                }
                assertEquals(8, ok + exhausted);
                assertTrue(ok >= 1 && exhausted >= 1, "ok " + ok + ", exhausted " + exhausted);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertStatus(String code, String fragment, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode().name(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(fragment), e.getStatus().getDescription());
    }

    @Test
    void errorsAreStatusCodesWithMessages() {
        assertStatus("NOT_FOUND", "unknown model 'nosuch'", () -> stub.modelInfer(ModelInferRequest.newBuilder().setModelName("nosuch").build()));
        assertStatus("NOT_FOUND", "no version '3'", () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("tiny").setVersion("3").build()));
        assertStatus("INVALID_ARGUMENT", "datatype FP64 but the model expects FP32", () -> stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("tiny").addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP64")
                        .addShape(1).addShape(16)).build()));
        assertStatus("INVALID_ARGUMENT", "fp32_contents has 2 elements but the shape needs 16", () -> stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("tiny").addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                        .addShape(1).addShape(16).setContents(InferTensorContents.newBuilder().addFp32Contents(1).addFp32Contents(2))).build()));
        assertStatus("INVALID_ARGUMENT", "3 bytes of data", () -> stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("tiny").addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                        .addShape(1).addShape(16)).addRawInputContents(ByteString.copyFrom(new byte[3])).build()));
        assertStatus("INVALID_ARGUMENT", "input 'x' of model 'tiny' is missing", () -> stub.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("tiny").build()));
        assertStatus("NOT_FOUND", "unknown model", () -> stub.modelReady(ModelReadyRequest.newBuilder().setName("nosuch").build()));
        // still serving
        assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName("tiny").build()).getReady());
    }
}
