package t2j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Row-major off-heap matrices: indexing, copies, shared row slices, and refusals that name the shape. */
class MatrixTest {
    @Test
    void valuesAreRowMajorAndRoundTripThroughArrays() {
        Matrix m = Matrix.zeros(2, 3);
        float[] values = {1, 2, 3, 4, 5, 6};
        m.copyFrom(values);
        assertEquals(6f, m.get(1, 2));
        assertEquals(4f, m.get(1, 0));
        m.set(0, 1, -2f);
        assertArrayEquals(new float[] {1, -2, 3, 4, 5, 6}, m.toArray());
        assertEquals(6, m.numel());
        FloatBuffer row = Matrix.allocate(5);
        m.getRow(1, row, 2);
        assertArrayEquals(new float[] {0, 0, 4, 5, 6}, toArray(row));
    }

    @Test
    void aRowSliceSharesMemoryWithItsMatrix() {
        Matrix m = Matrix.zeros(4, 2);
        m.copyFrom(new float[] {0, 1, 2, 3, 4, 5, 6, 7});
        Matrix middle = m.rowSlice(1, 2);
        assertArrayEquals(new float[] {2, 3, 4, 5}, middle.toArray());
        middle.set(1, 1, 50f);
        assertEquals(50f, m.get(2, 1), "a write through the slice is a write to the matrix");
        assertThrows(IndexOutOfBoundsException.class, () -> m.rowSlice(3, 2));
    }

    @Test
    void blocksCoverEveryRowOnce() {
        Matrix m = Matrix.zeros(5, 3);
        List<int[]> seen = new ArrayList<>();
        m.forEachBlock((first, count, data) -> seen.add(new int[] {first, count, data.capacity()}));
        int rows = 0;
        for (int[] b : seen) {
            assertEquals(rows, b[0]);
            assertEquals(b[1] * 3, b[2]);
            rows += b[1];
        }
        assertEquals(5, rows);
    }

    @Test
    void badShapesAndLengthsAreRefusedWithTheNumbers() {
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> Matrix.zeros(0, 3));
        assertTrue(shape.getMessage().contains("0x3"), shape.getMessage());
        Matrix m = Matrix.zeros(2, 2);
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class, () -> m.copyFrom(new float[3]));
        assertTrue(
                length.getMessage().contains("expected 4")
                        && length.getMessage().contains("got 3"),
                length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Matrix.allocate(1L << 30));
    }

    private static float[] toArray(FloatBuffer b) {
        float[] a = new float[b.capacity()];
        b.duplicate().position(0).get(a);
        return a;
    }
}
