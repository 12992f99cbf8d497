package dev.cotenant.sched.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the service-time measurement says about the host it ran on. */
class CpuServiceTimesTest {

    @Test
    void passesFurtherApartThanTheThresholdMarkTheHostUnsteady() {
        ServiceTime t = ServiceTime.fixed(10);
        var steady = new CpuServiceTimes.Measured(Map.of("a", t, "b", t), Map.of("a", 1.1, "b", 1.3));
        assertFalse(steady.unsteady());
        assertEquals("b", steady.unsteadiest());
        var moved = new CpuServiceTimes.Measured(Map.of("a", t, "b", t), Map.of("a", 2.1, "b", 1.3));
        assertTrue(moved.unsteady());
        assertEquals("a", moved.unsteadiest());
        var none = new CpuServiceTimes.Measured(Map.of(), Map.of());
        assertNull(none.unsteadiest());
        assertFalse(none.unsteady());
    }

    @Test
    void aMeasuredModelHasItsTimeAndASpreadOfAtLeastOne() {
        var m = CpuServiceTimes.measure(List.of("bert-tiny"), 6, name -> { });
        assertTrue(m.times().get("bert-tiny").meanMs() > 0, m.toString());
        assertTrue(m.passSpread().get("bert-tiny") >= 1, m.toString());
    }
}
