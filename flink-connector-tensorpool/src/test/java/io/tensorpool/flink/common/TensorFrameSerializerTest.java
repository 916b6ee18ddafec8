package io.tensorpool.flink.common;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flink's serializer contract (copy, serialize, snapshot/restore, duplicate, serializability) for
 * {@link TensorFrameSerializer}, plus the cases a user would notice: the byte layout stays fixed, the type resolves to
 * this serializer instead of Kryo, and corrupt input fails with a clear message.
 */
class TensorFrameSerializerTest extends SerializerTestBase<TensorFrame>
{
    @Override
    protected TypeSerializer<TensorFrame> createSerializer()
    {
        return TensorFrameSerializer.INSTANCE;
    }

    @Override
    protected int getLength()
    {
        return -1;
    }

    @Override
    protected Class<TensorFrame> getTypeClass()
    {
        return TensorFrame.class;
    }

    @Override
    protected TensorFrame[] getTestData()
    {
        final byte[] image = new byte[640 * 1024];
        for (int i = 0; i < image.length; i++)
        {
            image[i] = (byte)(i * 31);
        }
        return new TensorFrame[]
        {
            TensorFrameSerializer.INSTANCE.createInstance(),
            new TensorFrame(7, 3, 42, 123_456_789L, 0xFFFF_FFFFL, Dtype.FLOAT32.value(), MajorOrder.ROW.value(),
                new int[]{2, 3}, new long[]{12, 4}, new byte[24]),
            TensorFrame.contiguous(Dtype.UINT8, MajorOrder.ROW, new int[]{480, 1365}, new byte[480 * 1365]),
            new TensorFrame(-1, Long.MAX_VALUE, Long.MIN_VALUE, -5, 1, Dtype.BYTES.value(),
                MajorOrder.UNKNOWN.value(), new int[]{image.length}, new long[]{1}, image),
            new TensorFrame(1, 0, 0, 0, 0, Dtype.INT64.value(), MajorOrder.COLUMN.value(),
                new int[]{1, 1, 1, 1, 1, 1, 1, 1}, new long[]{8, 8, 8, 8, 8, 8, 8, 8}, new byte[8]),
        };
    }

    @Test
    void typeExtractionResolvesToTheDedicatedSerializerNotKryo()
    {
        final TypeInformation<TensorFrame> info = TypeInformation.of(TensorFrame.class);
        assertSame(TensorFrameTypeInfo.INSTANCE, info);
        assertSame(TensorFrameSerializer.INSTANCE, info.createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void layoutIsFixedFieldByField() throws IOException
    {
        final TensorFrame frame = new TensorFrame(0x01020304, 5, 6, 7, 0xFFFF_FFFEL, Dtype.FLOAT32.value(),
            MajorOrder.ROW.value(), new int[]{2}, new long[]{4}, new byte[]{9, 8, 7, 6, 5, 4, 3, 2});
        final DataOutputSerializer out = new DataOutputSerializer(64);
        TensorFrameSerializer.INSTANCE.serialize(frame, out);

        final byte[] expected =
        {
            1, 2, 3, 4,
            0, 0, 0, 0, 0, 0, 0, 5,
            0, 0, 0, 0, 0, 0, 0, 6,
            0, 0, 0, 0, 0, 0, 0, 7,
            (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFE,
            0, 9,
            0, 1,
            1,
            1,
            0, 0, 0, 2,
            0, 0, 0, 0, 0, 0, 0, 4,
            0, 0, 0, 8,
            9, 8, 7, 6, 5, 4, 3, 2,
        };
        assertArrayEquals(expected, out.getCopyOfBuffer());
        assertEquals(frame, TensorFrameSerializer.INSTANCE.deserialize(new DataInputDeserializer(expected)));
    }

    @Test
    void corruptLengthsFailWithTheValue() throws IOException
    {
        final DataOutputSerializer out = new DataOutputSerializer(64);
        TensorFrameSerializer.INSTANCE.serialize(
            TensorFrame.contiguous(Dtype.UINT8, MajorOrder.ROW, new int[]{4}, new byte[4]), out);
        final byte[] bytes = out.getCopyOfBuffer();

        final byte[] badDims = bytes.clone();
        badDims[36] = 9;
        final IOException dims = assertThrows(IOException.class,
            () -> TensorFrameSerializer.INSTANCE.deserialize(new DataInputDeserializer(badDims)));
        assertTrue(dims.getMessage().contains("ndims=9"), dims.getMessage());

        final byte[] badLength = bytes.clone();
        badLength[42] = (byte)0x80;
        final IOException length = assertThrows(IOException.class,
            () -> TensorFrameSerializer.INSTANCE.deserialize(new DataInputDeserializer(badLength)));
        assertTrue(length.getMessage().contains("payload length=-"), length.getMessage());
    }

    @Test
    void constructorRejectsStridesThatDoNotMatchTheShape()
    {
        assertThrows(IllegalArgumentException.class, () -> new TensorFrame(1, 0, 0, 0, 0, (short)1, (short)1,
            new int[]{2, 2}, new long[]{1}, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> new TensorFrame(1, 0, 0, 0, 0, (short)1, (short)1,
            new int[9], new long[0], new byte[0]));
    }
}
