package io.tensorpool.examples.camera;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.flink.sink.TensorPoolSerializationSchema;
import io.tensorpool.flink.sink.TensorSlot;

/**
 * Writes a {@link FrameStats} as a float32 60x80 tensor straight into the claimed slot, keeping the source frame's
 * timestamp so downstream consumers can line results up with camera frames. The mean is the thumbnail's mean.
 */
public class FrameStatsSchema implements TensorPoolSerializationSchema<FrameStats>
{
    private static final long serialVersionUID = 1L;

    @Override
    public int payloadLength(final FrameStats stats)
    {
        return stats.thumbnail == null || stats.thumbnail.length != FrameStats.HEIGHT * FrameStats.WIDTH ?
            INVALID : stats.thumbnail.length * Float.BYTES;
    }

    @Override
    public void serialize(final FrameStats stats, final TensorSlot slot)
    {
        slot.putFloats(0, stats.thumbnail, 0, stats.thumbnail.length)
            .dtype(Dtype.FLOAT32)
            .shape(FrameStats.SHAPE, 2)
            .timestampNs(stats.timestampNs);
    }
}
