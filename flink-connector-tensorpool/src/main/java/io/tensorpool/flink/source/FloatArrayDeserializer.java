package io.tensorpool.flink.source;

import io.tensorpool.client.DataSourceMetadata;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameView;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.nio.ByteOrder;

/**
 * The payload of contiguous FLOAT32 frames as {@code float[]}; anything else is skipped (null).
 */
final class FloatArrayDeserializer implements TensorPoolDeserializationSchema<float[]>
{
    private static final long serialVersionUID = 1L;

    @Override
    public float[] deserialize(final FrameView frame, final DataSourceMetadata metadata)
    {
        if (frame.dtypeRaw() != Dtype.FLOAT32.value())
        {
            return null;
        }
        final long count = frame.elementCount();
        if (count * Float.BYTES != frame.valuesLength() && !(frame.ndims() == 0 && frame.valuesLength() == 0))
        {
            return null;
        }
        final float[] values = new float[(int)count];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = frame.payload().getFloat(i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        return values;
    }

    @Override
    public TypeInformation<float[]> getProducedType()
    {
        return PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO;
    }
}
