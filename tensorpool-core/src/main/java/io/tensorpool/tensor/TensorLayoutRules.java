package io.tensorpool.tensor;

import io.tensorpool.shm.ShmLayout;

/**
 * The TensorHeader rules a frame must satisfy to be delivered (Wire §8.2, §10.2.2, §15.8). Allocation-free: the
 * validator returns a reason code, and {@link #describe(int)} turns it into text only when someone asks.
 */
public final class TensorLayoutRules
{
    /** The description is valid. */
    public static final int OK = 0;
    /** Rejected: ndims outside 1..8. */
    public static final int NDIMS_OUT_OF_RANGE = 1;
    /** Rejected: dtype not in the v1.1 registry. */
    public static final int UNKNOWN_DTYPE = 2;
    /** Rejected: major_order not in the v1.1 registry. */
    public static final int UNKNOWN_MAJOR_ORDER = 3;
    /** Rejected: progress_unit not in the v1.1 registry. */
    public static final int UNKNOWN_PROGRESS_UNIT = 4;
    /** Rejected: negative dim. */
    public static final int NEGATIVE_DIM = 5;
    /** Rejected: negative stride. */
    public static final int NEGATIVE_STRIDE = 6;
    /** Rejected: strides mix zero (inferred) and explicit values. */
    public static final int MIXED_ZERO_STRIDES = 7;
    /** Rejected: strides overlap or contradict major_order. */
    public static final int STRIDES_OVERLAP_OR_CONTRADICT_ORDER = 8;
    /** Rejected: major_order UNKNOWN with more than one dimension. */
    public static final int MAJOR_ORDER_REQUIRED = 9;
    /** Rejected: progress_unit set but progress_stride_bytes is 0. */
    public static final int PROGRESS_STRIDE_ZERO = 10;
    /** Rejected: progress_stride_bytes differs from the row/column stride. */
    public static final int PROGRESS_STRIDE_INCONSISTENT = 11;
    /** Rejected: tensor extent exceeds values_len_bytes. */
    public static final int EXTENT_EXCEEDS_VALUES_LEN = 12;

    private static final String[] REASONS =
    {
        "ok",
        "ndims outside 1..8",
        "dtype not in the v1.1 registry",
        "major_order not in the v1.1 registry",
        "progress_unit not in the v1.1 registry",
        "negative dim",
        "negative stride",
        "strides mix zero (inferred) and explicit values",
        "strides overlap or contradict major_order",
        "major_order UNKNOWN with more than one dimension",
        "progress_unit set but progress_stride_bytes is 0",
        "progress_stride_bytes differs from the row/column stride",
        "tensor extent exceeds values_len_bytes",
    };

    /**
     * Inferred strides saturate here: 2^32 exceeds every u32 {@code values_len_bytes}, and 2^32 times an i32 dim
     * still fits in a long.
     */
    public static final long INFERRED_STRIDE_LIMIT = 1L << 32;

    /** Raw {@code MajorOrder.UNKNOWN} (Wire §15.8). */
    public static final short MAJOR_ORDER_UNKNOWN = 0;
    /** Raw {@code MajorOrder.ROW}. */
    public static final short MAJOR_ORDER_ROW = 1;
    /** Raw {@code MajorOrder.COLUMN}. */
    public static final short MAJOR_ORDER_COLUMN = 2;
    /** Raw {@code ProgressUnit.NONE}. */
    public static final short PROGRESS_NONE = 0;
    /** Raw {@code ProgressUnit.ROWS}: progress by rows, stride of dimension 0. */
    public static final short PROGRESS_ROWS = 1;
    /** Raw {@code ProgressUnit.COLUMNS}: progress by columns, stride of the last dimension. */
    public static final short PROGRESS_COLUMNS = 2;

    private TensorLayoutRules()
    {
    }

    /** Text for a reason code, for logs and errors. */
    public static String describe(final int reason)
    {
        return reason >= 0 && reason < REASONS.length ? REASONS[reason] : "unknown reason " + reason;
    }

    /**
     * Validate a tensor description. Only indices below {@code ndims} are read (Wire §8.2: consumers ignore the
     * rest).
     *
     * @param effectiveStrides receives the byte strides actually in force (explicit or inferred contiguous); must
     *                         have room for {@link ShmLayout#MAX_DIMS} entries.
     * @return {@link #OK} or a reason code.
     */
    public static int validate(
        final short dtypeRaw,
        final short majorOrderRaw,
        final int ndims,
        final int[] dims,
        final int[] strides,
        final short progressUnitRaw,
        final long progressStrideBytes,
        final long valuesLenBytes,
        final long[] effectiveStrides)
    {
        if (ndims < 1 || ndims > ShmLayout.MAX_DIMS)
        {
            return NDIMS_OUT_OF_RANGE;
        }
        final int elementSize = ElementTypes.elementSize(dtypeRaw);
        if (elementSize < 0)
        {
            return UNKNOWN_DTYPE;
        }
        if (majorOrderRaw < MAJOR_ORDER_UNKNOWN || majorOrderRaw > MAJOR_ORDER_COLUMN)
        {
            return UNKNOWN_MAJOR_ORDER;
        }
        if (progressUnitRaw < PROGRESS_NONE || progressUnitRaw > PROGRESS_COLUMNS)
        {
            return UNKNOWN_PROGRESS_UNIT;
        }
        if (majorOrderRaw == MAJOR_ORDER_UNKNOWN && ndims > 1)
        {
            return MAJOR_ORDER_REQUIRED;
        }

        int zeroStrides = 0;
        for (int i = 0; i < ndims; i++)
        {
            if (dims[i] < 0)
            {
                return NEGATIVE_DIM;
            }
            if (strides[i] < 0)
            {
                return NEGATIVE_STRIDE;
            }
            if (strides[i] == 0)
            {
                zeroStrides++;
            }
        }
        if (zeroStrides != 0 && zeroStrides != ndims)
        {
            return MIXED_ZERO_STRIDES;
        }

        final boolean columnMajor = majorOrderRaw == MAJOR_ORDER_COLUMN;
        if (zeroStrides == ndims)
        {
            inferContiguous(elementSize, columnMajor, ndims, dims, effectiveStrides);
        }
        else
        {
            for (int i = 0; i < ndims; i++)
            {
                effectiveStrides[i] = strides[i];
            }
            // innermost first: each stride must cover the full extent of the next-faster dimension
            long required = elementSize;
            for (int k = 0; k < ndims; k++)
            {
                final int i = columnMajor ? k : ndims - 1 - k;
                if (effectiveStrides[i] < required)
                {
                    return STRIDES_OVERLAP_OR_CONTRADICT_ORDER;
                }
                required = effectiveStrides[i] * (long)Math.max(dims[i], 1);
            }
        }

        // Byte extent = last element's offset + element size. Checked term by term against values_len_bytes (at most
        // 2^32 - 1) so hostile dims/strides cannot overflow the sum back into range.
        boolean empty = false;
        for (int i = 0; i < ndims; i++)
        {
            if (dims[i] == 0)
            {
                empty = true;
                break;
            }
        }
        if (!empty)
        {
            long extent = elementSize;
            for (int i = 0; i < ndims; i++)
            {
                final long term = (long)(dims[i] - 1) * effectiveStrides[i];
                if (term > valuesLenBytes)
                {
                    return EXTENT_EXCEEDS_VALUES_LEN;
                }
                extent += term;
                if (extent > valuesLenBytes)
                {
                    return EXTENT_EXCEEDS_VALUES_LEN;
                }
            }
        }

        if (progressUnitRaw != PROGRESS_NONE)
        {
            if (progressStrideBytes == 0)
            {
                return PROGRESS_STRIDE_ZERO;
            }
            final long unitStride = progressUnitRaw == PROGRESS_ROWS ? effectiveStrides[0] : effectiveStrides[ndims - 1];
            if (progressStrideBytes != unitStride)
            {
                return PROGRESS_STRIDE_INCONSISTENT;
            }
        }
        return OK;
    }

    /**
     * Contiguous strides for a shape in the given order, innermost dimension first. Strides saturate at
     * {@link #INFERRED_STRIDE_LIMIT} (larger than any {@code values_len_bytes}), so the result never overflows.
     */
    public static void inferContiguous(
        final int elementSize, final boolean columnMajor, final int ndims, final int[] dims, final long[] out)
    {
        long stride = elementSize;
        for (int k = 0; k < ndims; k++)
        {
            final int i = columnMajor ? k : ndims - 1 - k;
            out[i] = stride;
            // saturate: a stride above any possible values_len is already invalid, and capping keeps the product of
            // eight i32 dims from overflowing into a small, plausible-looking stride
            stride = Math.min(stride * Math.max(dims[i], 1), INFERRED_STRIDE_LIMIT);
        }
    }
}
