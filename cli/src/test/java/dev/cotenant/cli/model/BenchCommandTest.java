package dev.cotenant.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void jsonModePrintsOnlyTheRows() {
        ZooCommandTest.Result r = ZooCommandTest.cli("bench", "bert-tiny", "--seq", "8", "--batch", "1,2", "--runs", "2",
                "--warmup", "1", "--no-memory", "--json");
        assertEquals(0, r.code(), r.err());
        String out = r.out().strip();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.matches("\\{\"rows\":\\[\\{\"model\":\"bert-tiny\",\"batch\":1,\"threads\":1,\"cotenant_ms\":[0-9.]+,"
                + "\"onnxruntime_ms\":[0-9.]+,\"ratio\":[0-9.]+,.*\\},\\{\"model\":\"bert-tiny\",\"batch\":2,.*\\}\\]\\}"), out);
    }

    @Test
    void badArgumentsGiveOneLineErrors() {
        ZooCommandTest.Result r = ZooCommandTest.cli("bench", "bert-tiny", "--vs", "tensorrt");
        assertEquals(1, r.code());
        assertEquals("cotenant: error: --vs tensorrt: the peers are onnxruntime and none", r.err().strip());
        r = ZooCommandTest.cli("bench", "resnet-50");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("cotenant: error: unknown zoo model 'resnet-50'"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        r = ZooCommandTest.cli("bench", "bert-tiny", "--threads", "0", "--no-memory");
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
