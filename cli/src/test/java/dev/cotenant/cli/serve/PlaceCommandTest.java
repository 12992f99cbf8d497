package dev.cotenant.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `place` through the real command line: on a simulated GPU (the JSON the issue names, every model
 * placed once, naive placements beside), on this CPU with its repositories written and served by a
 * real server, and bad input as one clear line.
 */
class PlaceCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onASimulatedGpuTheJsonPlacesEveryModelOnce() throws Exception {
        var r = ServingCommandsTest.run("place", "--device", "sim:l4", "--models", "bert-tiny:300:20,mobilenetv2:300:20,resnet18:200:30",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        List<String> placed = new ArrayList<>();
        for (JsonNode d : j.get("devices")) {
            d.get("models").forEach(m -> placed.add(m.asText()));
            assertTrue(d.get("predicted").get("utilisation").asDouble() > 0, d.toString());
            d.get("predicted").get("models").forEach(m -> assertTrue(m.get("meets_slo").asBoolean(), d.toString()));
        }
        placed.sort(null);
        assertEquals(List.of("bert-tiny", "mobilenetv2", "resnet18"), placed);
        assertEquals("one-per-model", j.get("naive").get(0).get("name").asText());
        assertEquals(3, j.get("naive").get(0).get("devices").asInt());
        assertEquals("first-fit-by-load", j.get("naive").get(1).get("name").asText());
        assertTrue(j.get("devices").size() <= 3);
    }

    @Test
    void onThisCpuTheWrittenRepositoriesServe(@TempDir Path out) throws Exception {
        var r = ServingCommandsTest.run("place", "--models", "bert-tiny:1:5000,mobilenetv2:1:5000", "--cores", "1", "--samples", "5",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("slo-aware: 1 device, every SLO met"), r.out());
        assertTrue(r.out().contains("first-fit-by-load:") && r.out().contains("one-per-model: 2 devices"), r.out());
        Path repo = out.resolve("device-1/repository");
        assertTrue(Files.readString(repo.resolve("bert-tiny/config.pbtxt")).contains("string_value: \"5000\""));
        assertEquals(List.of("serve", "--repo", repo.toAbsolutePath().toString(), "--cores", "1", "--concurrency", "1"),
                Files.readAllLines(out.resolve("device-1/serve.args")));
        assertEquals(1, JSON.readTree(out.resolve("placement.json").toFile()).get("devices").size());
        try (Server s = Server.start(ServerOptions.defaults(repo).withPorts(0, -1).withCores(1))) {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort()
                    + "/v2/models/mobilenetv2/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
        }
    }

    @Test
    void badInputIsOneClearLine() {
        var twice = ServingCommandsTest.run("place", "--device", "sim:l4", "--models", "bert-tiny:1:10,bert-tiny:2:10");
        assertEquals(1, twice.code());
        assertTrue(twice.err().contains("'bert-tiny' is given twice"), twice.err());
        var shape = ServingCommandsTest.run("place", "--device", "sim:l4", "--models", "bert-tiny:1");
        assertTrue(shape.err().contains("MODEL:RATE:SLO_MS"), shape.err());
        var impossible = ServingCommandsTest.run("place", "--device", "sim:l4", "--models", "resnet18:100000:1");
        assertEquals(1, impossible.code());
        assertTrue(impossible.err().contains("no device of this kind") && impossible.err().contains("resnet18"), impossible.err());
        var cores = ServingCommandsTest.run("place", "--device", "sim:l4", "--cores", "2", "--models", "bert-tiny:1:10");
        assertTrue(cores.err().contains("--cores applies only to --device cpu"), cores.err());
        var unknown = ServingCommandsTest.run("place", "--device", "sim:l4", "--models", "nosuchmodel:1:10");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("nosuchmodel"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
    }
}
