package dev.cotenant.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import org.junit.jupiter.api.Test;

/** The libraries the distribution leaves out: found in a build from source, one clear line where missing. */
class LibraryTest {

    @Test
    void aBuildFromSourceHasBoth() {
        assertTrue(Library.ONNX_RUNTIME.present());
        assertTrue(Library.JMH.present());
        Library.ONNX_RUNTIME.require("bench");
        Library.JMH.require("bench --kernels");
    }

    @Test
    void aMissingLibraryIsOneLineNamingItWhatNeedsItAndWhereToGetIt() {
        Library none = new Library("Nothing", "dev.cotenant.no.such.Probe");
        assertFalse(none.present());
        ModelException e = assertThrows(ModelException.class, () -> none.require("`demo`"));
        assertEquals("Nothing is not in this distribution; it is needed by `demo`: build Cotenant from source to use it (./cotenant in a checkout)",
                e.getMessage());
    }
}
