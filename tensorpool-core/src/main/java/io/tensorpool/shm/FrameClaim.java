package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A claimed slot being written by the producer, reused for every frame (like Aeron's {@code BufferClaim}). Write the
 * payload straight into {@link #buffer()}, describe the tensor, then {@link #commit()} or {@link #abort()}.
 */
public final class FrameClaim
{
    final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    final int[] dims = new int[ShmLayout.MAX_DIMS];
    final int[] strides = new int[ShmLayout.MAX_DIMS];
    SlotWriter writer;
    boolean open;
    long seq;
    int headerIndex;
    int poolIndex;
    int length;
    short dtype = Dtype.UINT8.value();
    short majorOrder = MajorOrder.ROW.value();
    int ndims;
    short progressUnit = ProgressUnit.NONE.value();
    int progressStrideBytes;
    long timestampNs;
    long metaVersion;

    /**
     * The payload area in shared memory, exactly the claimed length, at payload slot {@code header_index} of the
     * selected pool. Valid until {@link #commit()} or {@link #abort()}.
     */
    public MutableDirectBuffer buffer()
    {
        return payload;
    }

    /** The logical sequence this claim will commit. */
    public long seq()
    {
        return seq;
    }

    /** The header slot index, {@code seq & (nslots - 1)}; also the payload slot (Wire §15.5). */
    public int headerIndex()
    {
        return headerIndex;
    }

    /** The claimed payload length, {@code values_len_bytes}. */
    public int length()
    {
        return length;
    }

    /** The pool the claim's payload lives in (smallest stride that fits, Wire §9). */
    public int poolId()
    {
        return writer.regions().pool(poolIndex).poolId();
    }

    /** True between a successful {@link SlotWriter#claim} and {@link #commit()} / {@link #abort()}. */
    public boolean isOpen()
    {
        return open;
    }

    /**
     * Element type. Description setters keep their value from claim to claim, except the shape, which every claim
     * clears (a frame without {@link #shape} fails with {@code NDIMS_OUT_OF_RANGE}).
     */
    public FrameClaim dtype(final Dtype dtype)
    {
        this.dtype = dtype.value();
        return this;
    }

    /** Row- or column-major order; sticky like {@link #dtype(Dtype)}. */
    public FrameClaim majorOrder(final MajorOrder order)
    {
        this.majorOrder = order.value();
        return this;
    }

    /** Shape with inferred contiguous strides (all strides 0, Wire §8.2); entries from {@code ndims} on are zeroed. */
    public FrameClaim shape(final int[] shape, final int ndims)
    {
        this.ndims = ndims;
        for (int i = 0; i < ShmLayout.MAX_DIMS; i++)
        {
            dims[i] = i < ndims ? shape[i] : 0;
            strides[i] = 0;
        }
        return this;
    }

    /** One-dimensional shape. */
    public FrameClaim shape1d(final int length)
    {
        this.ndims = 1;
        for (int i = 0; i < ShmLayout.MAX_DIMS; i++)
        {
            dims[i] = 0;
            strides[i] = 0;
        }
        dims[0] = length;
        return this;
    }

    /** Explicit byte strides for the first {@code ndims} dimensions; call after {@link #shape(int[], int)}. */
    public FrameClaim strides(final int[] byteStrides)
    {
        for (int i = 0; i < ShmLayout.MAX_DIMS; i++)
        {
            strides[i] = i < ndims ? byteStrides[i] : 0;
        }
        return this;
    }

    /**
     * Progress unit and the row/column stride it advances by (Wire §8.2, §10.2.2); {@code NONE} writes 0. Sticky like
     * {@link #dtype(Dtype)}.
     */
    public FrameClaim progress(final ProgressUnit unit, final int strideBytes)
    {
        this.progressUnit = unit.value();
        this.progressStrideBytes = strideBytes;
        return this;
    }

    /** Producer timestamp, CLOCK_MONOTONIC nanoseconds by convention (Wire §15.7). Sticky. */
    public FrameClaim timestampNs(final long timestampNs)
    {
        this.timestampNs = timestampNs;
        return this;
    }

    /** The {@code DataSourceMeta} version the frame refers to (u32). Sticky. */
    public FrameClaim metaVersion(final long metaVersion)
    {
        this.metaVersion = metaVersion;
        return this;
    }

    /**
     * Validate the description, write the whole header (Wire §8.2: every field, padding zeroed, embedded TensorHeader
     * message header 184/52/900/1, dims and strides past {@code ndims} zero) and publish the slot by storing COMMITTED
     * with release semantics (Wire §8.3 step 4). Closes the claim either way.
     *
     * @return {@link io.tensorpool.tensor.TensorLayoutRules#OK} or the layout rule the description broke, in which
     * case the slot is left IN-PROGRESS (consumers drop it) and nothing must be announced.
     * @throws IllegalStateException if no claim is open on this object (a second commit would rewrite a header
     * readers believe is stable).
     */
    public int commit()
    {
        return writer().commit(this);
    }

    /**
     * Give up the claim; the slot stays IN-PROGRESS, so no consumer accepts it.
     *
     * @throws IllegalStateException if no claim is open on this object.
     */
    public void abort()
    {
        writer().abort(this);
    }

    private SlotWriter writer()
    {
        if (writer == null)
        {
            throw new IllegalStateException("this FrameClaim was never claimed by a SlotWriter");
        }
        return writer;
    }
}
