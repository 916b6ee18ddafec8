package io.tensorpool.flink.sink;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.shm.FrameClaim;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.apache.flink.annotation.PublicEvolving;

import java.nio.ByteOrder;

/**
 * The claimed shared-memory slot a {@link TensorPoolSerializationSchema} writes one record into: the payload area
 * (exactly the length the schema asked for) and the tensor description that goes into the slot header on commit.
 *
 * <p>One instance per writer, re-pointed at every claim (a flyweight); it is valid only inside
 * {@link TensorPoolSerializationSchema#serialize}. Before the schema runs, the slot is described as a one-dimensional
 * {@code UINT8} tensor of the claimed length in row-major order, stamped by the producer with its clock
 * (CLOCK_MONOTONIC nanoseconds, Wire §10.5) and its current meta version.
 *
 * <p>Payload bytes are little-endian (Wire §7); the bulk {@code put*} methods copy primitive arrays straight into
 * shared memory with one memory copy on little-endian hosts.
 */
@PublicEvolving
public final class TensorSlot
{
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long SHORT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(short[].class);
    private static final long INT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(int[].class);
    private static final long LONG_ARRAY_BASE = UnsafeApi.arrayBaseOffset(long[].class);
    private static final long FLOAT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(float[].class);
    private static final long DOUBLE_ARRAY_BASE = UnsafeApi.arrayBaseOffset(double[].class);

    private FrameClaim claim;

    TensorSlot()
    {
    }

    /** Point at a fresh claim and reset the description to the defaults documented on the class. */
    void wrap(final FrameClaim claim)
    {
        this.claim = claim;
        claim.dtype(Dtype.UINT8)
            .majorOrder(MajorOrder.ROW)
            .shape1d(claim.length())
            .progress(ProgressUnit.NONE, 0);
    }

    /** The payload area in shared memory, indices 0 to {@link #capacity()} - 1. */
    public MutableDirectBuffer buffer()
    {
        return claim.buffer();
    }

    /** Bytes claimed for this record: what {@link TensorPoolSerializationSchema#payloadLength} returned. */
    public int capacity()
    {
        return claim.length();
    }

    /** Sequence number the frame will be published with. */
    public long seq()
    {
        return claim.seq();
    }

    /** Element type (Wire §8.2). */
    public TensorSlot dtype(final Dtype dtype)
    {
        claim.dtype(dtype);
        return this;
    }

    /** Row- or column-major order of the dimensions (Wire §8.2). */
    public TensorSlot majorOrder(final MajorOrder order)
    {
        claim.majorOrder(order);
        return this;
    }

    /** Shape of the first {@code ndims} entries of {@code shape}, strides inferred as contiguous. */
    public TensorSlot shape(final int[] shape, final int ndims)
    {
        claim.shape(shape, ndims);
        return this;
    }

    /** Explicit byte strides for every dimension; call after {@link #shape(int[], int)}. */
    public TensorSlot strides(final int[] byteStrides)
    {
        claim.strides(byteStrides);
        return this;
    }

    /** Frame timestamp; the spec recommends CLOCK_MONOTONIC nanoseconds (Wire §10.5). */
    public TensorSlot timestampNs(final long timestampNs)
    {
        claim.timestampNs(timestampNs);
        return this;
    }

    /** Version of the data source metadata this frame conforms to (Wire §8.1). */
    public TensorSlot metaVersion(final long metaVersion)
    {
        claim.metaVersion(metaVersion);
        return this;
    }

    /** Copy {@code length} bytes of {@code src} from {@code srcOffset} to payload offset {@code index}. */
    public TensorSlot putBytes(final int index, final byte[] src, final int srcOffset, final int length)
    {
        claim.buffer().putBytes(index, src, srcOffset, length);
        return this;
    }

    /** Copy {@code count} shorts of {@code src} from {@code srcOffset} to payload offset {@code index}, LE. */
    public TensorSlot putShorts(final int index, final short[] src, final int srcOffset, final int count)
    {
        final MutableDirectBuffer buffer = claim.buffer();
        checkArray(src.length, srcOffset, count);
        buffer.boundsCheck(index, byteLength(count, Short.BYTES));
        if (NATIVE_LITTLE_ENDIAN)
        {
            UnsafeApi.copyMemory(src, SHORT_ARRAY_BASE + (long)srcOffset * Short.BYTES,
                buffer.byteArray(), buffer.addressOffset() + index, (long)count * Short.BYTES);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                buffer.putShort(index + i * Short.BYTES, src[srcOffset + i], ByteOrder.LITTLE_ENDIAN);
            }
        }
        return this;
    }

    /** Copy {@code count} ints of {@code src} from {@code srcOffset} to payload offset {@code index}, LE. */
    public TensorSlot putInts(final int index, final int[] src, final int srcOffset, final int count)
    {
        final MutableDirectBuffer buffer = claim.buffer();
        checkArray(src.length, srcOffset, count);
        buffer.boundsCheck(index, byteLength(count, Integer.BYTES));
        if (NATIVE_LITTLE_ENDIAN)
        {
            UnsafeApi.copyMemory(src, INT_ARRAY_BASE + (long)srcOffset * Integer.BYTES,
                buffer.byteArray(), buffer.addressOffset() + index, (long)count * Integer.BYTES);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                buffer.putInt(index + i * Integer.BYTES, src[srcOffset + i], ByteOrder.LITTLE_ENDIAN);
            }
        }
        return this;
    }

    /** Copy {@code count} longs of {@code src} from {@code srcOffset} to payload offset {@code index}, LE. */
    public TensorSlot putLongs(final int index, final long[] src, final int srcOffset, final int count)
    {
        final MutableDirectBuffer buffer = claim.buffer();
        checkArray(src.length, srcOffset, count);
        buffer.boundsCheck(index, byteLength(count, Long.BYTES));
        if (NATIVE_LITTLE_ENDIAN)
        {
            UnsafeApi.copyMemory(src, LONG_ARRAY_BASE + (long)srcOffset * Long.BYTES,
                buffer.byteArray(), buffer.addressOffset() + index, (long)count * Long.BYTES);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                buffer.putLong(index + i * Long.BYTES, src[srcOffset + i], ByteOrder.LITTLE_ENDIAN);
            }
        }
        return this;
    }

    /** Copy {@code count} floats of {@code src} from {@code srcOffset} to payload offset {@code index}, LE. */
    public TensorSlot putFloats(final int index, final float[] src, final int srcOffset, final int count)
    {
        final MutableDirectBuffer buffer = claim.buffer();
        checkArray(src.length, srcOffset, count);
        buffer.boundsCheck(index, byteLength(count, Float.BYTES));
        if (NATIVE_LITTLE_ENDIAN)
        {
            UnsafeApi.copyMemory(src, FLOAT_ARRAY_BASE + (long)srcOffset * Float.BYTES,
                buffer.byteArray(), buffer.addressOffset() + index, (long)count * Float.BYTES);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                buffer.putFloat(index + i * Float.BYTES, src[srcOffset + i], ByteOrder.LITTLE_ENDIAN);
            }
        }
        return this;
    }

    /** Copy {@code count} doubles of {@code src} from {@code srcOffset} to payload offset {@code index}, LE. */
    public TensorSlot putDoubles(final int index, final double[] src, final int srcOffset, final int count)
    {
        final MutableDirectBuffer buffer = claim.buffer();
        checkArray(src.length, srcOffset, count);
        buffer.boundsCheck(index, byteLength(count, Double.BYTES));
        if (NATIVE_LITTLE_ENDIAN)
        {
            UnsafeApi.copyMemory(src, DOUBLE_ARRAY_BASE + (long)srcOffset * Double.BYTES,
                buffer.byteArray(), buffer.addressOffset() + index, (long)count * Double.BYTES);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                buffer.putDouble(index + i * Double.BYTES, src[srcOffset + i], ByteOrder.LITTLE_ENDIAN);
            }
        }
        return this;
    }

    private static int byteLength(final int count, final int elementSize)
    {
        final long bytes = (long)count * elementSize;
        if (bytes > Integer.MAX_VALUE)
        {
            throw new IndexOutOfBoundsException(count + " elements of " + elementSize + " bytes exceed a payload");
        }
        return (int)bytes;
    }

    private static void checkArray(final int arrayLength, final int offset, final int count)
    {
        if (offset < 0 || count < 0 || (long)offset + count > arrayLength)
        {
            throw new IndexOutOfBoundsException(
                "offset=" + offset + " count=" + count + " exceeds array length=" + arrayLength);
        }
    }
}
