package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * perf_analyzer's first calls, replayed against a real server: ServerMetadata, ModelMetadata and
 * ModelConfig over gRPC and over REST, checking every field perf_analyzer reads (its model parser:
 * the model's name, the inputs' and outputs' names, datatypes and shapes, {@code max_batch_size},
 * {@code input[].is_shape_tensor} and {@code optional}, {@code output[].is_shape_tensor}, whether
 * the config has {@code dynamic_batching}, {@code sequence_batching}, {@code ensemble_scheduling},
 * {@code model_transaction_policy.decoupled}, {@code response_cache.enable}).
 *
 * <p>The gRPC side is a client written from Triton's published protos, independently of the
 * server's generated classes: method names and field numbers are the table below (from Triton's
 * {@code grpc_service.proto} and {@code model_config.proto}), and answers are decoded by field
 * number, as a Triton client built from those files decodes them.
 */
class ModelConfigTest {

    /** Triton's field numbers, as published. */
    private static final int METADATA_NAME = 1, METADATA_VERSIONS = 2, METADATA_PLATFORM = 3, METADATA_INPUTS = 4, METADATA_OUTPUTS = 5;
    private static final int TENSOR_NAME = 1, TENSOR_DATATYPE = 2, TENSOR_SHAPE = 3;
    private static final int SERVER_NAME = 1, SERVER_VERSION = 2, SERVER_EXTENSIONS = 3;
    private static final int CONFIG_RESPONSE_CONFIG = 1;
    private static final int CONFIG_NAME = 1, CONFIG_PLATFORM = 2, CONFIG_VERSION_POLICY = 3, CONFIG_MAX_BATCH_SIZE = 4, CONFIG_INPUT = 5,
            CONFIG_OUTPUT = 6, CONFIG_INSTANCE_GROUP = 7, CONFIG_DYNAMIC_BATCHING = 11, CONFIG_SEQUENCE_BATCHING = 13,
            CONFIG_ENSEMBLE = 15, CONFIG_BACKEND = 17, CONFIG_TRANSACTION_POLICY = 19, CONFIG_RESPONSE_CACHE = 24;
    private static final int INPUT_NAME = 1, INPUT_DATA_TYPE = 2, INPUT_DIMS = 4, INPUT_IS_SHAPE_TENSOR = 6, INPUT_OPTIONAL = 8;
    private static final int OUTPUT_NAME = 1, OUTPUT_DATA_TYPE = 2, OUTPUT_DIMS = 3, OUTPUT_IS_SHAPE_TENSOR = 6;
    private static final int GROUP_COUNT = 2, GROUP_KIND = 4;
    private static final int DYNAMIC_MAX_QUEUE_DELAY = 2;
    private static final int TYPE_FP32 = 11, KIND_CPU = 2;

    @TempDir
    static Path repo;
    static Server server;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), """
                max_batch_size: 4
                input [ { name: "x" data_type: TYPE_FP32 dims: [ 16 ] } ]
                dynamic_batching { max_queue_delay_microseconds: 100 }
                instance_group [ { count: 2 kind: KIND_CPU } ]
                """);
        Fixtures.put(repo, "doubler", Fixtures.doubler(), null);
        Fixtures.put(repo, "multi", Fixtures.tiny(), "max_batch_size: 2\nversion_policy { latest { num_versions: 2 } }\n");
        Fixtures.putVersion(repo, "multi", "2", Fixtures.tiny());
        Fixtures.putVersion(repo, "multi", "3", Fixtures.tiny());
        server = Server.start(Fixtures.options(repo));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** Calls {@code inference.GRPCInferenceService/METHOD} with {@code request} as raw bytes; the answer's fields by number. */
    private static UnknownFieldSet call(String method, UnknownFieldSet request) throws IOException {
        MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("inference.GRPCInferenceService/" + method).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        byte[] answer = ClientCalls.blockingUnaryCall(channel, m, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request.toByteArray());
        return UnknownFieldSet.parseFrom(answer);
    }

    private static UnknownFieldSet nameAndVersion(String name, String version) {
        UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder()
                .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(name)).build());
        if (!version.isEmpty()) {
            b.addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(version)).build());
        }
        return b.build();
    }

    private static String string(UnknownFieldSet s, int field) {
        List<ByteString> v = s.getField(field).getLengthDelimitedList();
        return v.isEmpty() ? "" : v.getLast().toStringUtf8();
    }

    private static List<String> strings(UnknownFieldSet s, int field) {
        return s.getField(field).getLengthDelimitedList().stream().map(ByteString::toStringUtf8).toList();
    }

    private static long varint(UnknownFieldSet s, int field) {
        List<Long> v = s.getField(field).getVarintList();
        return v.isEmpty() ? 0 : v.getLast();
    }

    private static List<UnknownFieldSet> messages(UnknownFieldSet s, int field) throws IOException {
        List<UnknownFieldSet> out = new ArrayList<>();
        for (ByteString b : s.getField(field).getLengthDelimitedList()) {
            out.add(UnknownFieldSet.parseFrom(b));
        }
        return out;
    }

    /** A repeated int64, packed (proto3's default) or not. */
    private static List<Long> int64s(UnknownFieldSet s, int field) throws IOException {
        List<Long> out = new ArrayList<>(s.getField(field).getVarintList());
        for (ByteString packed : s.getField(field).getLengthDelimitedList()) {
            CodedInputStream in = packed.newCodedInput();
            while (!in.isAtEnd()) {
                out.add(in.readInt64());
            }
        }
        return out;
    }

    @Test
    void perfAnalyzersFirstCallsOverGrpc() throws IOException {
        UnknownFieldSet meta0 = call("ServerMetadata", UnknownFieldSet.getDefaultInstance());
        assertEquals("cotenant", string(meta0, SERVER_NAME));
        assertFalse(string(meta0, SERVER_VERSION).isEmpty());
        assertTrue(strings(meta0, SERVER_EXTENSIONS).contains("model_configuration"), strings(meta0, SERVER_EXTENSIONS).toString());

        UnknownFieldSet meta = call("ModelMetadata", nameAndVersion("tiny", ""));
        assertEquals("tiny", string(meta, METADATA_NAME));
        assertEquals(List.of("1"), strings(meta, METADATA_VERSIONS));
        assertEquals("onnxruntime_onnx", string(meta, METADATA_PLATFORM));
        UnknownFieldSet in = messages(meta, METADATA_INPUTS).getFirst();
        assertEquals("x", string(in, TENSOR_NAME));
        assertEquals("FP32", string(in, TENSOR_DATATYPE));
        assertEquals(List.of(-1L, 16L), int64s(in, TENSOR_SHAPE));
        UnknownFieldSet out = messages(meta, METADATA_OUTPUTS).getFirst();
        assertEquals("relu.out", string(out, TENSOR_NAME));
        assertEquals(List.of(-1L, 16L), int64s(out, TENSOR_SHAPE));

        UnknownFieldSet config = messages(call("ModelConfig", nameAndVersion("tiny", "")), CONFIG_RESPONSE_CONFIG).getFirst();
        assertEquals("tiny", string(config, CONFIG_NAME));
        assertEquals("onnxruntime_onnx", string(config, CONFIG_PLATFORM), "perf_analyzer walks ensemble steps only for platform 'ensemble'");
        assertEquals("cotenant", string(config, CONFIG_BACKEND));
        assertEquals(4, varint(config, CONFIG_MAX_BATCH_SIZE));
        UnknownFieldSet ci = messages(config, CONFIG_INPUT).getFirst();
        assertEquals("x", string(ci, INPUT_NAME), "every config input has metadata");
        assertEquals(TYPE_FP32, varint(ci, INPUT_DATA_TYPE));
        assertEquals(List.of(16L), int64s(ci, INPUT_DIMS), "config dims leave out the batch dimension");
        assertEquals(0, varint(ci, INPUT_IS_SHAPE_TENSOR));
        assertEquals(0, varint(ci, INPUT_OPTIONAL));
        UnknownFieldSet co = messages(config, CONFIG_OUTPUT).getFirst();
        assertEquals("relu.out", string(co, OUTPUT_NAME));
        assertEquals(TYPE_FP32, varint(co, OUTPUT_DATA_TYPE));
        assertEquals(List.of(16L), int64s(co, OUTPUT_DIMS));
        assertEquals(0, varint(co, OUTPUT_IS_SHAPE_TENSOR));
        UnknownFieldSet dynamic = messages(config, CONFIG_DYNAMIC_BATCHING).getFirst();
        assertEquals(100, varint(dynamic, DYNAMIC_MAX_QUEUE_DELAY), "perf_analyzer sees a dynamic batcher");
        assertTrue(config.getField(CONFIG_SEQUENCE_BATCHING).getLengthDelimitedList().isEmpty());
        assertTrue(config.getField(CONFIG_ENSEMBLE).getLengthDelimitedList().isEmpty());
        assertTrue(config.getField(CONFIG_TRANSACTION_POLICY).getLengthDelimitedList().isEmpty(), "not decoupled");
        assertTrue(config.getField(CONFIG_RESPONSE_CACHE).getLengthDelimitedList().isEmpty(), "no response cache");
        UnknownFieldSet group = messages(config, CONFIG_INSTANCE_GROUP).getFirst();
        assertEquals(2, varint(group, GROUP_COUNT), "the instance count honoured");
        assertEquals(KIND_CPU, varint(group, GROUP_KIND));
        assertNotNull(messages(config, CONFIG_VERSION_POLICY).getFirst());
    }

    @Test
    void perfAnalyzersFirstCallsOverRest() throws Exception {
        JsonNode server0 = Fixtures.JSON.readTree(Fixtures.get(server, "/v2").body());
        assertTrue(server0.path("extensions").toString().contains("model_configuration"));
        JsonNode meta = Fixtures.JSON.readTree(Fixtures.get(server, "/v2/models/tiny").body());
        assertEquals("tiny", meta.path("name").asText());
        assertEquals("FP32", meta.path("inputs").get(0).path("datatype").asText());
        assertEquals("[-1,16]", meta.path("inputs").get(0).path("shape").toString());
        Fixtures.Reply r = Fixtures.get(server, "/v2/models/tiny/config");
        assertEquals(200, r.status(), r.body());
        JsonNode c = Fixtures.JSON.readTree(r.body());
        assertEquals("tiny", c.path("name").asText());
        assertTrue(c.path("max_batch_size").isIntegralNumber(), "a JSON number, as Triton gives it: " + c);
        assertEquals(4, c.path("max_batch_size").asInt());
        JsonNode in = c.path("input").get(0);
        assertEquals("x", in.path("name").asText());
        assertEquals("TYPE_FP32", in.path("data_type").asText());
        assertEquals("[16]", in.path("dims").toString(), "int64 dims as numbers");
        assertTrue(in.path("is_shape_tensor").isBoolean() && !in.path("is_shape_tensor").asBoolean());
        assertTrue(in.path("optional").isBoolean() && !in.path("optional").asBoolean());
        JsonNode out = c.path("output").get(0);
        assertEquals("relu.out", out.path("name").asText());
        assertTrue(out.path("is_shape_tensor").isBoolean());
        assertTrue(c.has("dynamic_batching"));
        assertEquals(100, c.path("dynamic_batching").path("max_queue_delay_microseconds").asLong());
        assertFalse(c.has("sequence_batching") || c.has("ensemble_scheduling"));
        assertTrue(!c.has("model_transaction_policy") || c.path("model_transaction_policy").has("decoupled"),
                "perf_analyzer reads decoupled whenever the policy is there");
        assertTrue(!c.has("response_cache") || c.path("response_cache").has("enable"));
        assertEquals(2, c.path("instance_group").get(0).path("count").asInt());
        assertEquals(1, c.path("version_policy").path("latest").path("num_versions").asInt());
        assertEquals(200, Fixtures.get(server, "/v2/models/tiny/versions/1/config").status());
    }

    @Test
    void aModelWithoutAConfigFileGetsItsDefaultsAsItsConfig() throws Exception {
        JsonNode c = Fixtures.JSON.readTree(Fixtures.get(server, "/v2/models/doubler/config").body());
        assertEquals(8, c.path("max_batch_size").asInt());
        assertEquals("TYPE_INT64", c.path("input").get(0).path("data_type").asText());
        assertEquals("[3]", c.path("input").get(0).path("dims").toString());
        assertEquals(128, c.path("dynamic_batching").path("default_queue_policy").path("max_queue_size").asInt());
        assertEquals(1, c.path("instance_group").get(0).path("count").asInt());
    }

    @Test
    void versionPolicyServesTheNewestTwo() throws Exception {
        JsonNode meta = Fixtures.JSON.readTree(Fixtures.get(server, "/v2/models/multi").body());
        assertEquals("[\"2\",\"3\"]", meta.path("versions").toString());
        assertEquals(404, Fixtures.get(server, "/v2/models/multi/versions/1").status());
        assertEquals(200, Fixtures.get(server, "/v2/models/multi/versions/2/config").status());
        Fixtures.Reply missing = Fixtures.get(server, "/v2/models/nope/config");
        assertEquals(404, missing.status());
        assertTrue(missing.body().contains("unknown model 'nope'"), missing.body());
    }
}
