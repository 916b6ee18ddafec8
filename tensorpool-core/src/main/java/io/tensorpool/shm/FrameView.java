package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.tensor.ElementTypes;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

/**
 * A zero-copy view of one validated frame: header fields copied out of the slot and the payload still in shared
 * memory. Reused for every frame; valid only until the handler returns. The payload may be overwritten by the
 * producer at any time (lossy overwrite), so a reader that keeps bytes must confirm them with
 * {@link #stillCommitted()} after reading, or use {@link #copyPayloadTo(MutableDirectBuffer, int)} which does so.
 */
public final class FrameView
{
    final int[] dims = new int[ShmLayout.MAX_DIMS];
    final int[] strides = new int[ShmLayout.MAX_DIMS];
    final long[] effectiveStrides = new long[ShmLayout.MAX_DIMS];
    private static final byte[] EMPTY = new byte[0];

    final UnsafeBuffer payload = new UnsafeBuffer(0, 0);

    int streamId;
    long epoch;
    long seq;
    int headerIndex;
    long seqCommit;
    long timestampNs;
    long metaVersion;
    int valuesLen;
    int poolId;
    short dtypeRaw;
    short majorOrderRaw;
    int ndims;
    short progressUnitRaw;
    long progressStrideBytes;
    HeaderRing ring;
    /** Set when every confirmation must also prove the mapped files still back the mapping (see SlotReader). */
    StreamRegions backing;

    /** Stream id of the mapped regions the frame was read from. */
    public int streamId()
    {
        return streamId;
    }

    /** Epoch of the mapped regions the frame was read from. */
    public long epoch()
    {
        return epoch;
    }

    /** Logical sequence: {@code seq_commit >> 1} (Wire §8.2). */
    public long seq()
    {
        return seq;
    }

    /** Header slot index the frame was read from (also its payload slot). */
    public int headerIndex()
    {
        return headerIndex;
    }

    /** Producer timestamp, CLOCK_MONOTONIC nanoseconds by default (Wire §15.7). */
    public long timestampNs()
    {
        return timestampNs;
    }

    /** The {@code DataSourceMeta} version this frame refers to (unsigned u32 in a long). */
    public long metaVersion()
    {
        return metaVersion;
    }

    /** {@code values_len_bytes}: the payload length, at most the pool stride. */
    public int valuesLength()
    {
        return valuesLen;
    }

    /** The pool holding the payload. */
    public int poolId()
    {
        return poolId;
    }

    /** The dtype as encoded (validated against the v1.1 registry). */
    public short dtypeRaw()
    {
        return dtypeRaw;
    }

    /** The element type. */
    public Dtype dtype()
    {
        return Dtype.get(dtypeRaw);
    }

    /** Row- or column-major (UNKNOWN only for 1-D tensors). */
    public MajorOrder majorOrder()
    {
        return MajorOrder.get(majorOrderRaw);
    }

    /** Progress unit of the frame (NONE, ROWS, COLUMNS). */
    public ProgressUnit progressUnit()
    {
        return ProgressUnit.get(progressUnitRaw);
    }

    /** Row/column stride progress is reported in; consistent with the strides unless NONE. */
    public long progressStrideBytes()
    {
        return progressStrideBytes;
    }

    /** Number of dimensions, 1..8. */
    public int ndims()
    {
        return ndims;
    }

    /** Extent of dimension {@code i}; throws {@link IndexOutOfBoundsException} outside {@code [0, ndims)}. */
    public int dim(final int i)
    {
        checkDim(i);
        return dims[i];
    }

    /** The stride as written (0 = inferred contiguous). */
    public int declaredStride(final int i)
    {
        checkDim(i);
        return strides[i];
    }

    /** The byte stride in force, explicit or inferred. */
    public long stride(final int i)
    {
        checkDim(i);
        return effectiveStrides[i];
    }

    /** Size in bytes of one element of {@link #dtype()} (BYTES, BIT, BOOLEAN count as 1, see ElementTypes). */
    public int elementSize()
    {
        return ElementTypes.elementSize(dtypeRaw);
    }

    /**
     * True if the strides in force are the contiguous ones for the shape and major order (declared 0, or explicit but
     * equal), so the payload can be consumed as one dense block of {@code elementCount() * elementSize()} bytes.
     */
    public boolean isContiguous()
    {
        long expected = elementSize();
        final boolean columnMajor = majorOrderRaw == TensorLayoutRules.MAJOR_ORDER_COLUMN;
        for (int k = 0; k < ndims; k++)
        {
            final int i = columnMajor ? k : ndims - 1 - k;
            if (dims[i] > 1 && effectiveStrides[i] != expected)
            {
                return false;
            }
            expected *= Math.max(dims[i], 1);
        }
        return true;
    }

    /** Number of elements (product of dims). */
    public long elementCount()
    {
        long count = 1;
        for (int i = 0; i < ndims; i++)
        {
            count *= dims[i];
        }
        return count;
    }

    /** The payload bytes {@code [0, valuesLength)} in shared memory; read-only by contract. */
    public UnsafeBuffer payload()
    {
        return payload;
    }

    /**
     * True if the slot still holds this committed frame: the second commit check of Wire §8.3 (step 4), made after
     * the payload has been read. Bytes read from {@link #payload()} before this call returned true are the frame the
     * producer committed; if it returns false they may be torn and must be discarded ({@code drops_late}).
     */
    public boolean stillCommitted()
    {
        // An acquire load only orders the loads after it; the payload loads before it need this fence so they cannot
        // be satisfied after the re-check (SPEC_DECISIONS, seqlock ordering).
        VarHandle.loadLoadFence();
        return ring != null && ring.seqCommitAcquire(headerIndex) == seqCommit && (backing == null || backing.isBacked());
    }

    /**
     * Copy the payload out and confirm it was stable while copying.
     *
     * @return true if the copied bytes are the committed frame, false if it was overwritten meanwhile.
     */
    public boolean copyPayloadTo(final MutableDirectBuffer dst, final int dstOffset)
    {
        dst.putBytes(dstOffset, payload, 0, valuesLen);
        return stillCommitted();
    }

    void invalidate()
    {
        ring = null;
        backing = null;
        ndims = 0;
        valuesLen = 0;
        payload.wrap(EMPTY, 0, 0);
    }

    private void checkDim(final int i)
    {
        if (i < 0 || i >= ndims)
        {
            throw new IndexOutOfBoundsException("dimension " + i + " of a " + ndims + "-d tensor");
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("FrameView{stream=").append(streamId).append(" epoch=")
            .append(epoch).append(" seq=").append(seq).append(" index=").append(headerIndex).append(" len=")
            .append(valuesLen).append(" dtype=").append(dtype()).append(" shape=[");
        for (int i = 0; i < ndims; i++)
        {
            sb.append(i == 0 ? "" : ",").append(dims[i]);
        }
        return sb.append("]}").toString();
    }
}
