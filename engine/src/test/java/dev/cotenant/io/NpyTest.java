package dev.cotenant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyTest {

    @Test
    void roundTripsEveryStoredType() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.INT8, DataType.UINT8,
                DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.BOOL}) {
            Tensor a = Tensor.allocate(t, 2, 3);
            for (int i = 0; i < a.size(); i++) {
                a.setDouble(i, t == DataType.BOOL ? i % 2 : i * 3 - (t.isUnsigned() ? 0 : 7));
            }
            Tensor b = Npy.read(Npy.toBytes(a), "mem");
            assertEquals(t, b.dataType(), t.toString());
            assertArrayEquals(a.shape(), b.shape());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.getDouble(i), b.getDouble(i), t + " element " + i);
            }
        }
    }

    @Test
    void scalarAndVectorShapes() {
        assertArrayEquals(new int[0], Npy.read(Npy.toBytes(Tensor.scalar(3f)), "s").shape());
        assertArrayEquals(new int[] {4}, Npy.read(Npy.toBytes(Tensor.of(new float[4], 4)), "v").shape());
    }

    @Test
    void badFilesGetOneClearMessage() {
        ModelException e = assertThrows(ModelException.class, () -> Npy.read(new byte[] {1, 2, 3}, "x.npy"));
        assertTrue(e.getMessage().startsWith("x.npy: not a .npy file"), e.getMessage());
        byte[] ok = Npy.toBytes(Tensor.of(new float[8], 8));
        ModelException t = assertThrows(ModelException.class, () -> Npy.read(Arrays.copyOf(ok, ok.length - 4), "t.npy"));
        assertTrue(t.getMessage().contains("truncated"), t.getMessage());
    }
}
