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

    /** The payload area, exactly the claimed length, in shared memory. */
    public MutableDirectBuffer buffer()
    {
        return payload;
    }

    public long seq()
    {
        return seq;
    }

    public int headerIndex()
    {
        return headerIndex;
    }

    public int length()
    {
        return length;
    }

    public int poolId()
    {
        return writer.regions().pool(poolIndex).poolId();
    }

    public FrameClaim dtype(final Dtype dtype)
    {
        this.dtype = dtype.value();
        return this;
    }

    public FrameClaim majorOrder(final MajorOrder order)
    {
        this.majorOrder = order.value();
        return this;
    }

    /** Shape with inferred contiguous strides. */
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

    public FrameClaim progress(final ProgressUnit unit, final int strideBytes)
    {
        this.progressUnit = unit.value();
        this.progressStrideBytes = strideBytes;
        return this;
    }

    public FrameClaim timestampNs(final long timestampNs)
    {
        this.timestampNs = timestampNs;
        return this;
    }

    public FrameClaim metaVersion(final long metaVersion)
    {
        this.metaVersion = metaVersion;
        return this;
    }

    /**
     * Write the header and publish the slot as COMMITTED.
     *
     * @return {@link io.tensorpool.tensor.TensorLayoutRules#OK} or the layout rule the description broke, in which
     * case the slot is left IN-PROGRESS (consumers drop it) and nothing must be announced.
     */
    public int commit()
    {
        return writer.commit(this);
    }

    /** Give up the claim; the slot stays IN-PROGRESS, so no consumer accepts it. */
    public void abort()
    {
        writer.abort(this);
    }
}
