package io.tensorpool.flink.source;

import io.tensorpool.client.DataSourceMetadata;
import io.tensorpool.shm.FrameView;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Each frame's payload bytes.
 */
final class RawBytesDeserializer implements TensorPoolDeserializationSchema<byte[]>
{
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] deserialize(final FrameView frame, final DataSourceMetadata metadata)
    {
        final byte[] payload = new byte[frame.valuesLength()];
        frame.payload().getBytes(0, payload);
        return payload;
    }

    @Override
    public TypeInformation<byte[]> getProducedType()
    {
        return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
    }
}
