package io.tensorpool.tensor;

import io.tensorpool.codecs.wire.Dtype;
import org.junit.jupiter.api.Test;

import static io.tensorpool.tensor.TensorLayoutRules.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One test per {@link TensorLayoutRules} reason (Wire §8.2, §10.2.2, §15.8 and docs/SPEC_DECISIONS.md "Tensor
 * layout"), each with the precise reason code, plus the layouts that must pass.
 */
class TensorLayoutRulesTest
{
    private static final short U8 = Dtype.UINT8.value();
    private static final short F32 = Dtype.FLOAT32.value();
    private final long[] effective = new long[8];

    private int check(
        final short dtype, final short order, final int[] dims, final int[] strides, final short unit,
        final long progressStride, final long valuesLen)
    {
        return validate(dtype, order, dims.length, pad(dims), pad(strides), unit, progressStride, valuesLen,
            effective);
    }

    private static int[] pad(final int[] values)
    {
        final int[] out = new int[8];
        System.arraycopy(values, 0, out, 0, Math.min(values.length, 8));
        return out;
    }

    private static void assertReason(final int expected, final int actual)
    {
        assertEquals(expected, actual, () -> "expected '" + describe(expected) + "' got '" + describe(actual) + "'");
    }

    @Test
    void contiguousRowMajorStridesAreInferred()
    {
        assertReason(OK, check(F32, MAJOR_ORDER_ROW, new int[]{2, 3, 4}, new int[]{0, 0, 0}, PROGRESS_NONE, 0, 96));
        assertArrayEquals(new long[]{48, 16, 4}, java.util.Arrays.copyOf(effective, 3));
    }

    @Test
    void contiguousColumnMajorStridesAreInferred()
    {
        assertReason(OK, check(F32, MAJOR_ORDER_COLUMN, new int[]{2, 3, 4}, new int[]{0, 0, 0}, PROGRESS_NONE, 0, 96));
        assertArrayEquals(new long[]{4, 8, 24}, java.util.Arrays.copyOf(effective, 3));
    }

    @Test
    void paddedRowsAreAccepted()
    {
        assertReason(OK, check(U8, MAJOR_ORDER_ROW, new int[]{4, 10}, new int[]{16, 1}, PROGRESS_ROWS, 16, 64));
    }

    @Test
    void oneDimensionalUnknownOrderIsAccepted()
    {
        assertReason(OK, check(U8, MAJOR_ORDER_UNKNOWN, new int[]{10}, new int[]{0}, PROGRESS_NONE, 0, 10));
    }

    @Test
    void emptyTensorNeedsNoBytes()
    {
        assertReason(OK, check(F32, MAJOR_ORDER_ROW, new int[]{0, 1000}, new int[]{0, 0}, PROGRESS_NONE, 0, 0));
    }

    @Test
    void progressStrideIsIgnoredWithNone()
    {
        assertReason(OK, check(U8, MAJOR_ORDER_ROW, new int[]{4}, new int[]{0}, PROGRESS_NONE, 12345, 4));
    }

    @Test
    void ndimsZero()
    {
        assertReason(NDIMS_OUT_OF_RANGE,
            validate(U8, MAJOR_ORDER_ROW, 0, new int[8], new int[8], PROGRESS_NONE, 0, 10, effective));
    }

    @Test
    void ndimsAboveMaxDims()
    {
        assertReason(NDIMS_OUT_OF_RANGE,
            validate(U8, MAJOR_ORDER_ROW, 9, new int[9], new int[9], PROGRESS_NONE, 0, 10, effective));
    }

    @Test
    void unknownDtype()
    {
        assertReason(UNKNOWN_DTYPE, check((short)12, MAJOR_ORDER_ROW, new int[]{1}, new int[]{0}, PROGRESS_NONE, 0, 1));
        assertReason(UNKNOWN_DTYPE, check((short)-1, MAJOR_ORDER_ROW, new int[]{1}, new int[]{0}, PROGRESS_NONE, 0, 1));
    }

    @Test
    void unknownMajorOrder()
    {
        assertReason(UNKNOWN_MAJOR_ORDER, check(U8, (short)3, new int[]{1}, new int[]{0}, PROGRESS_NONE, 0, 1));
        assertReason(UNKNOWN_MAJOR_ORDER, check(U8, (short)-1, new int[]{1}, new int[]{0}, PROGRESS_NONE, 0, 1));
    }

    @Test
    void unknownProgressUnit()
    {
        assertReason(UNKNOWN_PROGRESS_UNIT, check(U8, MAJOR_ORDER_ROW, new int[]{1}, new int[]{0}, (short)3, 1, 1));
    }

    @Test
    void majorOrderRequiredForMoreThanOneDimension()
    {
        assertReason(MAJOR_ORDER_REQUIRED,
            check(U8, MAJOR_ORDER_UNKNOWN, new int[]{2, 2}, new int[]{0, 0}, PROGRESS_NONE, 0, 4));
    }

    @Test
    void negativeDim()
    {
        assertReason(NEGATIVE_DIM, check(U8, MAJOR_ORDER_ROW, new int[]{2, -3}, new int[]{0, 0}, PROGRESS_NONE, 0, 6));
    }

    @Test
    void negativeStride()
    {
        assertReason(NEGATIVE_STRIDE,
            check(U8, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{-3, 1}, PROGRESS_NONE, 0, 6));
    }

    @Test
    void mixedZeroAndExplicitStrides()
    {
        assertReason(MIXED_ZERO_STRIDES,
            check(U8, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{3, 0}, PROGRESS_NONE, 0, 6));
    }

    @Test
    void overlappingRows()
    {
        // row stride 2 < 3 elements per row: rows overlap
        assertReason(STRIDES_OVERLAP_OR_CONTRADICT_ORDER,
            check(U8, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{2, 1}, PROGRESS_NONE, 0, 6));
    }

    @Test
    void innerStrideSmallerThanElement()
    {
        assertReason(STRIDES_OVERLAP_OR_CONTRADICT_ORDER,
            check(F32, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{12, 2}, PROGRESS_NONE, 0, 24));
    }

    @Test
    void columnMajorStridesUnderRowMajorOrder()
    {
        // valid column-major strides for [2,3] u8 are {1, 2}; declared ROW they contradict the order
        assertReason(STRIDES_OVERLAP_OR_CONTRADICT_ORDER,
            check(U8, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{1, 2}, PROGRESS_NONE, 0, 6));
        assertReason(OK, check(U8, MAJOR_ORDER_COLUMN, new int[]{2, 3}, new int[]{1, 2}, PROGRESS_NONE, 0, 6));
    }

    @Test
    void progressStrideZero()
    {
        assertReason(PROGRESS_STRIDE_ZERO,
            check(U8, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{0, 0}, PROGRESS_ROWS, 0, 6));
    }

    @Test
    void progressStrideInconsistentWithRows()
    {
        assertReason(PROGRESS_STRIDE_INCONSISTENT,
            check(U8, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{0, 0}, PROGRESS_ROWS, 4, 6));
        assertReason(OK, check(U8, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{0, 0}, PROGRESS_ROWS, 3, 6));
    }

    @Test
    void progressStrideInconsistentWithColumns()
    {
        assertReason(PROGRESS_STRIDE_INCONSISTENT,
            check(U8, MAJOR_ORDER_COLUMN, new int[]{2, 3}, new int[]{0, 0}, PROGRESS_COLUMNS, 1, 6));
        assertReason(OK, check(U8, MAJOR_ORDER_COLUMN, new int[]{2, 3}, new int[]{0, 0}, PROGRESS_COLUMNS, 2, 6));
    }

    @Test
    void extentExceedsValuesLen()
    {
        assertReason(EXTENT_EXCEEDS_VALUES_LEN,
            check(F32, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{0, 0}, PROGRESS_NONE, 0, 23));
        assertReason(OK, check(F32, MAJOR_ORDER_ROW, new int[]{2, 3}, new int[]{0, 0}, PROGRESS_NONE, 0, 24));
    }

    @Test
    void hugeInferredShapeCannotOverflowIntoRange()
    {
        // 8 x (2^31 - 1) elements of 8 bytes: the true extent is astronomically larger than any values_len
        final int[] dims = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        assertReason(EXTENT_EXCEEDS_VALUES_LEN,
            check(Dtype.FLOAT64.value(), MAJOR_ORDER_ROW, dims, new int[8], PROGRESS_NONE, 0, 0xFFFF_FFFFL));
        // a shape whose element count wraps a long to exactly 0 and to small values
        final int[] wrapping = {65536, 65536, 65536, 65536, 2, 1, 1, 1};
        assertReason(EXTENT_EXCEEDS_VALUES_LEN,
            check(U8, MAJOR_ORDER_ROW, wrapping, new int[8], PROGRESS_NONE, 0, 0xFFFF_FFFFL));
        for (final long stride : effective)
        {
            assertTrue(stride >= 0 && stride <= INFERRED_STRIDE_LIMIT, "saturated, never wrapped: " + stride);
        }
    }

    @Test
    void hugeExplicitStridesCannotOverflowIntoRange()
    {
        final int[] dims = {Integer.MAX_VALUE, 2};
        final int[] strides = {Integer.MAX_VALUE, 1};
        assertReason(EXTENT_EXCEEDS_VALUES_LEN,
            check(U8, MAJOR_ORDER_ROW, dims, strides, PROGRESS_NONE, 0, 0xFFFF_FFFFL));
    }

    @Test
    void entriesPastNdimsAreIgnored()
    {
        final int[] dims = {4, 99, -1, 7, 7, 7, 7, 7};
        final int[] strides = {0, -5, 3, 3, 3, 3, 3, 3};
        assertReason(OK, validate(U8, MAJOR_ORDER_ROW, 1, dims, strides, PROGRESS_NONE, 0, 4, effective));
    }

    @Test
    void everyReasonHasADescription()
    {
        for (int reason = OK; reason <= EXTENT_EXCEEDS_VALUES_LEN; reason++)
        {
            assertFalse(describe(reason).startsWith("unknown"), "reason " + reason);
        }
        assertEquals("unknown reason 42", describe(42));
    }
}
