package dev.cotenant.sched.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.kernel.ZooModels;
import dev.cotenant.gpusim.sim.Validation;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's JSON parses as JSON, whatever the names in it, and says what the tables say. */
class SimulatorJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aComparisonAndItsTraceParseAndAgree() throws Exception {
        Gpu l4 = Gpu.load("l4");
        List<LoweredModel> tenants = ZooModels.lower(List.of(new ZooModels.Entry("bert-tiny", 1), new ZooModels.Entry("mobilenetv2", 1)),
                Precision.FP16, l4);
        GpuComparison c = GpuComparison.run(l4, tenants, List.of(1, 1),
                List.of(SimulatedPolicy.of(new Policy.Sequential()), SimulatedPolicy.of(new Policy.Multistream(false))), 2);
        JsonNode json = JSON.readTree(c.json());
        assertEquals(2, json.get("policies").size());
        assertEquals(c.policies().get(1).name(), json.get("policies").get(1).get("name").asText());
        assertEquals(c.lowerBoundMs(), json.get("lower_bound_ms").asDouble(), 1e-4);
        assertEquals(c.policies().get(0).makespanMs(), json.get("policies").get(0).get("makespan_ms").asDouble(), 1e-4);

        JsonNode trace = JSON.readTree(c.chromeTrace());
        long slices = 0;
        for (JsonNode e : trace.get("traceEvents")) {
            slices += e.get("ph").asText().equals("X") ? 1 : 0;
        }
        long kernels = c.policies().stream().mapToLong(r -> r.timeline().kernels().size()).sum();
        assertEquals(kernels, slices);
        assertEquals("ns", trace.get("displayTimeUnit").asText());
    }

    @Test
    void validationTablesParseWithEveryRow() throws Exception {
        List<Validation.Row> single = Validation.simulate(Validation.all().subList(0, 2));
        JsonNode json = JSON.readTree(SimulatorJson.singleModelValidation(single));
        assertEquals("single-model", json.get("table").asText());
        assertEquals(2, json.get("rows").size());
        assertTrue(json.get("rows").get(0).get("source").asText().startsWith("../shared/specs/gpus.md: "));
        assertEquals(Validation.mape(single), json.get("mape").asDouble(), 1e-4);
    }

    @Test
    void figuresKeepTheirDecimalsAndNonFiniteOnesAreNull() {
        assertEquals("0.3333", SimulatorJson.fixed(1.0 / 3, 4).toPlainString());
        assertEquals("2.000", SimulatorJson.fixed(2, 3).toPlainString());
        assertEquals(null, SimulatorJson.fixed(Double.NaN, 4));
        assertEquals(null, SimulatorJson.fixed(Double.POSITIVE_INFINITY, 4));
    }
}
