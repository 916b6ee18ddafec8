package io.tensorpool.flink.sink;

import io.tensorpool.codecs.wire.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ArrayTensorSchemaTest
{
    @Test
    void lengthFollowsElementSize()
    {
        assertEquals(12, ArrayTensorSchema.floats().payloadLength(new float[3]));
        assertEquals(24, ArrayTensorSchema.doubles().payloadLength(new double[3]));
        assertEquals(6, ArrayTensorSchema.shorts().payloadLength(new short[3]));
        assertEquals(12, ArrayTensorSchema.ints().payloadLength(new int[3]));
        assertEquals(24, ArrayTensorSchema.longs().payloadLength(new long[3]));
        assertEquals(3, ArrayTensorSchema.bytes().payloadLength(new byte[3]));
        assertEquals(Dtype.FLOAT32, ArrayTensorSchema.floats().dtype());
        assertEquals(Dtype.INT8, ArrayTensorSchema.bytes(Dtype.INT8).dtype());
    }

    @Test
    void elementCountMustMatchTheShape()
    {
        final ArrayTensorSchema<int[]> fixed = ArrayTensorSchema.ints(2, 3);
        assertEquals(24, fixed.payloadLength(new int[6]));
        assertEquals(TensorPoolSerializationSchema.INVALID, fixed.payloadLength(new int[7]));

        final ArrayTensorSchema<int[]> inferred = ArrayTensorSchema.ints(-1, 3);
        assertEquals(36, inferred.payloadLength(new int[9]));
        assertEquals(TensorPoolSerializationSchema.INVALID, inferred.payloadLength(new int[10]));
        assertEquals(TensorPoolSerializationSchema.INVALID, inferred.payloadLength(new int[0]));
    }

    @Test
    void badShapesAndTypesAreRefusedWithTheValue()
    {
        final String twoInferred = assertThrows(IllegalArgumentException.class,
            () -> ArrayTensorSchema.floats(-1, -1)).getMessage();
        assertTrue(twoInferred.contains("[-1, -1]"), twoInferred);
        assertThrows(IllegalArgumentException.class, () -> ArrayTensorSchema.floats(0, 3));
        assertThrows(IllegalArgumentException.class, () -> ArrayTensorSchema.floats(1, 1, 1, 1, 1, 1, 1, 1, 1));
        final String wrongType = assertThrows(IllegalArgumentException.class,
            () -> ArrayTensorSchema.bytes(Dtype.FLOAT32)).getMessage();
        assertTrue(wrongType.contains("FLOAT32"), wrongType);
    }
}
