package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.cotenant.server.access.Access;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.ModelInferRequest;
import dev.cotenant.server.wire.ModelReadyRequest;
import dev.cotenant.server.wire.ModelRepositoryParameter;
import dev.cotenant.server.wire.ModelStatistics;
import dev.cotenant.server.wire.ModelStatisticsRequest;
import dev.cotenant.server.wire.RepositoryIndexRequest;
import dev.cotenant.server.wire.RepositoryIndexResponse;
import dev.cotenant.server.wire.RepositoryModelLoadRequest;
import dev.cotenant.server.wire.RepositoryModelUnloadRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository and statistics RPCs through a real channel to a real server on loopback. */
class GrpcRepositoryTest {

    @TempDir
    Path repo;

    @Test
    void indexLoadUnloadAndStatisticsAgreeWithWhatWasServed() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 4");
        Fixtures.put(repo, "doubler", Fixtures.doubler(), null);
        Files.createDirectories(repo.resolve("broken/1"));
        Files.writeString(repo.resolve("broken/1/model.onnx"), "not a model");
        try (Server server = Server.start(Fixtures.options(repo).withPorts(0, 0).withAccess(Access.DEFAULT.withModelControl(ModelControl.EXPLICIT)))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
            try {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);

                RepositoryIndexResponse all = stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance());
                assertEquals(List.of("broken", "doubler", "tiny"), all.getModelsList().stream().map(RepositoryIndexResponse.ModelIndex::getName).toList());
                RepositoryIndexResponse.ModelIndex broken = all.getModels(0);
                assertEquals("UNAVAILABLE", broken.getState());
                assertFalse(broken.getReason().isEmpty());
                assertEquals("1", all.getModels(2).getVersion());
                assertEquals("READY", all.getModels(2).getState());
                assertEquals(List.of("doubler", "tiny"), stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build())
                        .getModelsList().stream().map(RepositoryIndexResponse.ModelIndex::getName).toList());

                for (int i = 0; i < 3; i++) {
                    stub.modelInfer(ModelInferRequest.newBuilder().setModelName("tiny")
                            .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32").addShape(1).addShape(16))
                            .addRawInputContents(ByteString.copyFrom(new byte[16 * 4])).build());
                }
                ModelStatistics tiny = stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("tiny").build()).getModelStats(0);
                assertEquals("tiny", tiny.getName());
                assertEquals("1", tiny.getVersion());
                assertEquals(3, tiny.getInferenceStats().getSuccess().getCount());
                assertEquals(3, tiny.getInferenceCount());
                assertTrue(tiny.getExecutionCount() >= 1 && tiny.getExecutionCount() <= 3, "executions " + tiny.getExecutionCount());
                assertTrue(tiny.getInferenceStats().getSuccess().getNs() > 0);
                assertTrue(tiny.getLastInference() > 0);
                assertEquals(2, stub.modelStatistics(ModelStatisticsRequest.getDefaultInstance()).getModelStatsCount());
                assertEquals(0, stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("doubler").setVersion("1").build())
                        .getModelStats(0).getInferenceCount());

                stub.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("tiny").build());
                assertFalse(stub.modelReady(ModelReadyRequest.newBuilder().setName("tiny").build()).getReady());
                assertEquals("UNLOADED", stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModels(2).getState());
                assertStatus("NOT_FOUND", "model 'tiny' is not loaded", () -> stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("tiny").build()));
                stub.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("tiny").build());
                assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName("tiny").build()).getReady());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void badRequestsGetACodeAndAMessageNamingWhatWasWrong() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), "max_batch_size: 4");
        try (Server server = Server.start(Fixtures.options(repo).withPorts(0, 0).withAccess(Access.DEFAULT.withModelControl(ModelControl.EXPLICIT)))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
            try {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                assertStatus("NOT_FOUND", "unknown model 'nosuch'", () -> stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("nosuch").build()));
                assertStatus("NOT_FOUND", "no version '7'", () -> stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName("tiny").setVersion("7").build()));
                assertStatus("INVALID_ARGUMENT", "needs a model name", () -> stub.modelStatistics(ModelStatisticsRequest.newBuilder().setVersion("1").build()));
                assertStatus("NOT_FOUND", "has no folder in the repository", () -> stub.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("nosuch").build()));
                assertStatus("INVALID_ARGUMENT", "not a folder name", () -> stub.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("../etc").build()));
                assertStatus("INVALID_ARGUMENT", "not a folder name", () -> stub.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("").build()));
                assertStatus("NOT_FOUND", "unknown repository 'other'", () -> stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setRepositoryName("other").build()));
                assertStatus("INVALID_ARGUMENT", "parameter 'config' is not supported", () -> stub.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setModelName("tiny").putParameters("config", ModelRepositoryParameter.newBuilder().setStringParam("{}").build()).build()));
                // nothing above changed what is served
                assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName("tiny").build()).getReady());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertStatus(String code, String fragment, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode().name(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(fragment), e.getStatus().getDescription());
    }
}
