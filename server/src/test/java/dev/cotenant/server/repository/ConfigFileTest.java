package dev.cotenant.server.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.serving.ModelSettings;
import org.junit.jupiter.api.Test;

/** Triton's config.pbtxt, the subset Cotenant reads, and what it refuses. */
class ConfigFileTest {

    @Test
    void readsATritonConfigAndSkipsWhatItDoesNotUse() {
        ModelSettings s = ConfigFile.parse("""
                name: "resnet"
                platform: "onnxruntime_onnx"
                max_batch_size: 16
                input [ { name: "x" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] } ]
                instance_group [ { count: 2 kind: KIND_GPU gpus: [ 0 ] } ]
                version_policy: { latest: { num_versions: 1 } }
                dynamic_batching {
                  preferred_batch_size: [ 8, 4 ]
                  max_queue_delay_microseconds: 500
                  priority_levels: 3
                  default_priority_level: 2
                  default_queue_policy { max_queue_size: 10 default_timeout_microseconds: 20000 allow_timeout_override: true }
                }
                optimization { priority: PRIORITY_MAX }
                parameters { key: "slo_ms" value { string_value: "25" } }
                """, "test", true);
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
        assertArrayEquals(new int[] {1, 2, 4, 8, 16}, s.batchSizes());
        assertEquals(8, s.paddedSize(5));
        assertEquals(2, s.levelOf(0));
        assertEquals(3, s.levelOf(9));
    }

    @Test
    void defaultsAreBounded() {
        ModelSettings s = ConfigFile.parse("", "test", true);
        assertEquals(ModelSettings.DEFAULT_MAX_QUEUE, s.maxQueueSize());
        assertEquals(0, s.maxBatchSize());
        assertArrayEquals(new int[] {1}, s.batchSizes());
    }

    @Test
    void refusesBadSettingsByName() {
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.parse("max_batch_size: {", "cfg", true))
                .getMessage().startsWith("cfg:"));
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.parse("max_batch_size: 4", "cfg", false))
                .getMessage().contains("free first dimension"));
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.parse(
                "max_batch_size: 4 dynamic_batching { preferred_batch_size: 9 }", "cfg", true)).getMessage().contains("preferred_batch_size 9"));
        assertTrue(assertThrows(ModelException.class, () -> ConfigFile.parse(
                "parameters { key: \"slo_ms\" value { string_value: \"soon\" } }", "cfg", true)).getMessage().contains("'slo_ms'"));
    }
}
