package dev.cotenant.server.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.serving.ModelSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Triton's config.pbtxt against Triton's schema: what is honoured, what is only warned about, and what is refused. */
class ConfigFileTest {

    private static ConfigFile.Read read(String text) {
        return ConfigFile.parse(text, "cfg", "resnet");
    }

    private static ModelSettings settings(String text, boolean batchable) {
        return ConfigFile.settings(read(text), batchable);
    }

    private static String refused(String text) {
        return assertThrows(ModelException.class, () -> settings(text, true)).getMessage();
    }

    @Test
    void readsATritonConfigHonoursWhatItCanAndWarnsAboutTheRest() {
        ConfigFile.Read r = read("""
                name: "resnet"
                platform: "onnxruntime_onnx"
                max_batch_size: 16
                input [ { name: "x" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] } ]
                instance_group [ { count: 2 kind: KIND_GPU gpus: [ 0 ] }, { count: 1 kind: KIND_CPU } ]
                version_policy: { latest: { num_versions: 1 } }
                dynamic_batching {
                  preferred_batch_size: [ 8, 4 ]
                  max_queue_delay_microseconds: 500
                  priority_levels: 3
                  default_priority_level: 2
                  default_queue_policy { max_queue_size: 10 default_timeout_microseconds: 20000 allow_timeout_override: true }
                  preserve_ordering: true
                }
                optimization { priority: PRIORITY_MAX execution_accelerators { cpu_execution_accelerator [ { name: "openvino" } ] } }
                parameters { key: "slo_ms" value { string_value: "25" } }
                parameters { key: "EXECUTION_ENV_PATH" value { string_value: "/x" } }
                model_warmup [ { name: "w" batch_size: 1 } ]
                """);
        ModelSettings s = ConfigFile.settings(r, true);
        assertEquals(16, s.maxBatchSize());
        assertArrayEquals(new int[] {4, 8}, s.preferredBatch());
        assertEquals(500, s.maxQueueDelayUs());
        assertEquals(3, s.priorityLevels());
        assertEquals(2, s.defaultPriority());
        assertEquals(10, s.maxQueueSize());
        assertEquals(20000, s.timeoutUs());
        assertTrue(s.allowTimeoutOverride());
        assertEquals(25.0, s.sloMs());
        assertEquals(0, s.tenantPriority());
        assertEquals(3, s.instances(), "instance_group counts add up");
        assertArrayEquals(new int[] {1, 2, 4, 8, 16}, s.batchSizes());
        assertEquals(8, s.paddedSize(5));
        assertEquals(2, s.levelOf(0));
        assertEquals(3, s.levelOf(9));
        List<String> w = r.warnings();
        for (String setting : new String[] {"instance_group.gpus", "dynamic_batching.preserve_ordering", "optimization.execution_accelerators",
                "model_warmup", "parameter 'EXECUTION_ENV_PATH'", "instance_group kind KIND_GPU"}) {
            assertTrue(w.stream().anyMatch(x -> x.startsWith("cfg: ") && x.contains(setting)), setting + " is warned about: " + w);
        }
        assertEquals(6, w.size(), "nothing honoured is warned about: " + w);
    }

    @Test
    void withoutAFileTheDefaultsWithAFileWithoutMaxBatchSizeNoBatching() {
        ModelSettings none = ConfigFile.settings(new ConfigFile.Read(dev.cotenant.server.config.ModelConfig.getDefaultInstance(), false, List.of(), "x"), true);
        assertEquals(ModelSettings.DEFAULT_MAX_BATCH, none.maxBatchSize());
        ModelSettings empty = settings("", true);
        assertEquals(ModelSettings.DEFAULT_MAX_QUEUE, empty.maxQueueSize());
        assertEquals(0, empty.maxBatchSize());
        assertEquals(1, empty.instances());
        assertArrayEquals(new int[] {1}, empty.batchSizes());
    }

    @Test
    void anUnknownFieldIsAnErrorNamingItTheFileTheLineAndTheNearestRealName() {
        String top = refused("platform: \"onnxruntime_onnx\"\nmax_batch_sise: 4\n");
        assertEquals("cfg: line 2: unknown field 'max_batch_sise' in ModelConfig (did you mean 'max_batch_size'?); "
                + "not in Triton's model configuration schema", top);
        String nested = refused("dynamic_batching { max_queue_delay_micros: 5 }");
        assertTrue(nested.contains("unknown field 'max_queue_delay_micros' in ModelDynamicBatching"), nested);
        String far = refused("colour: 3");
        assertTrue(far.contains("unknown field 'colour' in ModelConfig;"), "no near name, none suggested: " + far);
        assertTrue(refused("instance_group [ { kind: KIND_TPU } ]").contains("KIND_TPU"));
    }

    @Test
    void refusesWhatWouldServeWronglyAndBadValuesByName() {
        assertTrue(refused("sequence_batching { }").contains("sequence_batching: sequence batching"));
        assertTrue(refused("ensemble_scheduling { step [ { model_name: \"a\" } ] }").contains("ensemble_scheduling"));
        assertTrue(refused("model_transaction_policy { decoupled: true }").contains("decoupled"));
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.parse("name: \"other\"", "cfg", "resnet")).getMessage()
                .contains("name 'other' does not match the model's folder name 'resnet'"));
        assertTrue(refused("max_batch_size: {").startsWith("cfg:"));
        assertTrue(assertThrows(ModelException.class, () -> settings("max_batch_size: 4", false)).getMessage().contains("free first dimension"));
        assertTrue(refused("max_batch_size: 4 dynamic_batching { preferred_batch_size: 9 }").contains("preferred_batch_size 9"));
        assertTrue(refused("parameters { key: \"slo_ms\" value { string_value: \"soon\" } }").contains("'slo_ms'"));
        assertTrue(refused("instance_group [ { count: 10 }, { count: 10 } ]").contains("20 instances"));
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.modelFile(read("default_model_filename: \"../x.onnx\"").config(), "cfg"))
                .getMessage().contains("must be a file name"));
        assertEquals("model.onnx", ConfigFile.modelFile(read("").config(), "cfg"));
        assertEquals("resnet.onnx", ConfigFile.modelFile(read("default_model_filename: \"resnet.onnx\"").config(), "cfg"));
    }

    @Test
    void versionPolicyPicksTheVersionsServedTheNewestByDefault() {
        List<String> found = List.of("1", "2", "10");
        assertEquals(List.of("10"), ConfigFile.versions(found, read("").config(), "cfg"));
        assertEquals(List.of("2", "10"), ConfigFile.versions(found, read("version_policy { latest { num_versions: 2 } }").config(), "cfg"));
        assertEquals(found, ConfigFile.versions(found, read("version_policy { latest { num_versions: 5 } }").config(), "cfg"));
        assertEquals(found, ConfigFile.versions(found, read("version_policy { all { } }").config(), "cfg"));
        assertEquals(List.of("1", "10"), ConfigFile.versions(found, read("version_policy { specific { versions: [10, 1] } }").config(), "cfg"));
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.versions(found,
                read("version_policy { specific { versions: [3] } }").config(), "cfg")).getMessage().contains("version 3, which has no folder"));
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.versions(found,
                read("version_policy { latest { num_versions: 0 } }").config(), "cfg")).getMessage().contains("num_versions must be 1 or more"));
    }
}
