package io.tensorpool.flink.source;

import io.tensorpool.client.DataSourceMetadata;
import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.flink.common.TensorFrameTypeInfo;
import io.tensorpool.shm.FrameView;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Every frame as a {@link TensorFrame}: one payload copy and the shape and strides in force.
 */
final class TensorFrameDeserializer implements TensorPoolDeserializationSchema<TensorFrame>
{
    private static final long serialVersionUID = 1L;

    @Override
    public TensorFrame deserialize(final FrameView frame, final DataSourceMetadata metadata)
    {
        final int ndims = frame.ndims();
        final int[] shape = new int[ndims];
        final long[] strides = new long[ndims];
        for (int i = 0; i < ndims; i++)
        {
            shape[i] = frame.dim(i);
            strides[i] = frame.stride(i);
        }
        final byte[] payload = new byte[frame.valuesLength()];
        frame.payload().getBytes(0, payload);
        return new TensorFrame(frame.streamId(), frame.epoch(), frame.seq(), frame.timestampNs(), frame.metaVersion(),
            frame.dtypeRaw(), frame.majorOrder().value(), shape, strides, payload);
    }

    @Override
    public TypeInformation<TensorFrame> getProducedType()
    {
        return TensorFrameTypeInfo.INSTANCE;
    }
}
