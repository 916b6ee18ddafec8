package io.tensorpool.flink.sink;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.shm.ShmLayout;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Writes {@link TensorFrame} records as they are: payload bytes copied once into the slot, dtype, major order,
 * shape and strides taken from the record.
 *
 * <p>What the sink's producer owns is not taken from the record: the stream, epoch, sequence number and meta version
 * are this producer's (a record read from another stream keeps none of them). The record's timestamp is kept when it
 * is non-zero, so a frame passed through a job keeps its acquisition time; a zero timestamp gets the producer's clock.
 *
 * <p>A record with an unknown dtype or major order, or with a stride that does not fit the wire's u32, is dropped and
 * counted as rejected; so is one whose description breaks a Wire §8.2 layout rule.
 */
@PublicEvolving
public final class TensorFrameSchema implements TensorPoolSerializationSchema<TensorFrame>
{
    private static final long serialVersionUID = 1L;
    private static final Dtype[] DTYPES = Dtype.values();
    private static final MajorOrder[] ORDERS = MajorOrder.values();

    private transient int[] strides;

    @Override
    public int payloadLength(final TensorFrame frame)
    {
        if (!isDtype(frame.dtypeRaw()) || !isMajorOrder(frame.majorOrderRaw()))
        {
            return INVALID;
        }
        for (final long stride : frame.strides())
        {
            if (stride < 0 || stride > 0xFFFF_FFFFL)
            {
                return INVALID;
            }
        }
        return frame.payload().length;
    }

    @Override
    public void serialize(final TensorFrame frame, final TensorSlot slot)
    {
        final int[] shape = frame.shape();
        slot.dtype(frame.dtype())
            .majorOrder(frame.majorOrder())
            .shape(shape, shape.length);
        final long[] frameStrides = frame.strides();
        if (frameStrides.length > 0)
        {
            if (null == strides)
            {
                strides = new int[ShmLayout.MAX_DIMS];
            }
            for (int i = 0; i < frameStrides.length; i++)
            {
                strides[i] = (int)frameStrides[i];
            }
            slot.strides(strides);
        }
        if (frame.timestampNs() != 0)
        {
            slot.timestampNs(frame.timestampNs());
        }
        final byte[] payload = frame.payload();
        slot.putBytes(0, payload, 0, payload.length);
    }

    private static boolean isDtype(final short raw)
    {
        for (final Dtype dtype : DTYPES)
        {
            if (dtype != Dtype.NULL_VAL && dtype.value() == raw)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isMajorOrder(final short raw)
    {
        for (final MajorOrder order : ORDERS)
        {
            if (order != MajorOrder.NULL_VAL && order.value() == raw)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "TensorFrameSchema";
    }
}
