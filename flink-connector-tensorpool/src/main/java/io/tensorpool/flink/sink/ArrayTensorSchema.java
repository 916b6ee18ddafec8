package io.tensorpool.flink.sink;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.ShmLayout;
import org.apache.flink.annotation.PublicEvolving;

import java.util.Arrays;

/**
 * Built-in schemas for primitive arrays: each record becomes one tensor whose payload is the array's elements,
 * little-endian, copied once into shared memory.
 *
 * <p>With no shape the tensor is one-dimensional with the array's length. With a shape, the product of the
 * dimensions must equal the array's length; one dimension may be {@code -1} and is then inferred (like a reshape).
 * A record whose length does not fit the shape is dropped and counted as rejected, never published.
 *
 * <pre>{@code
 * TensorPoolSerializationSchema<float[]> images = ArrayTensorSchema.floats(480, 640);
 * TensorPoolSerializationSchema<byte[]> blobs = ArrayTensorSchema.bytes();
 * }</pre>
 *
 * @param <T> the primitive array type.
 */
@PublicEvolving
public final class ArrayTensorSchema<T> implements TensorPoolSerializationSchema<T>
{
    private static final long serialVersionUID = 1L;

    private enum Kind
    {
        BYTE(Dtype.UINT8, Byte.BYTES),
        SHORT(Dtype.INT16, Short.BYTES),
        INT(Dtype.INT32, Integer.BYTES),
        LONG(Dtype.INT64, Long.BYTES),
        FLOAT(Dtype.FLOAT32, Float.BYTES),
        DOUBLE(Dtype.FLOAT64, Double.BYTES);

        private final Dtype dtype;
        private final int elementSize;

        Kind(final Dtype dtype, final int elementSize)
        {
            this.dtype = dtype;
            this.elementSize = elementSize;
        }
    }

    private final Kind kind;
    private final Dtype dtype;
    private final int[] shape;
    private final int inferredDim;
    private final long knownProduct;
    private transient int[] dims;

    private ArrayTensorSchema(final Kind kind, final Dtype dtype, final int[] shape)
    {
        if (shape.length > ShmLayout.MAX_DIMS)
        {
            throw new IllegalArgumentException(
                "a tensor has at most " + ShmLayout.MAX_DIMS + " dimensions, got shape " + Arrays.toString(shape));
        }
        int inferred = -1;
        long product = 1;
        for (int i = 0; i < shape.length; i++)
        {
            if (shape[i] == -1 && inferred == -1)
            {
                inferred = i;
            }
            else if (shape[i] <= 0)
            {
                throw new IllegalArgumentException("shape dimensions must be positive (one may be -1 to infer it), " +
                    "got " + Arrays.toString(shape));
            }
            else
            {
                product *= shape[i];
            }
        }
        this.kind = kind;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.inferredDim = inferred;
        this.knownProduct = product;
    }

    /** {@code byte[]} as {@code UINT8}. */
    public static ArrayTensorSchema<byte[]> bytes(final int... shape)
    {
        return new ArrayTensorSchema<>(Kind.BYTE, Dtype.UINT8, shape);
    }

    /** {@code byte[]} with another one-byte element type ({@code INT8}, {@code BOOLEAN}, {@code BYTES}). */
    public static ArrayTensorSchema<byte[]> bytes(final Dtype dtype, final int... shape)
    {
        if (dtype != Dtype.UINT8 && dtype != Dtype.INT8 && dtype != Dtype.BOOLEAN && dtype != Dtype.BYTES)
        {
            throw new IllegalArgumentException("byte[] records need a one-byte dtype, got " + dtype);
        }
        return new ArrayTensorSchema<>(Kind.BYTE, dtype, shape);
    }

    /** {@code short[]} as {@code INT16}. */
    public static ArrayTensorSchema<short[]> shorts(final int... shape)
    {
        return new ArrayTensorSchema<>(Kind.SHORT, Kind.SHORT.dtype, shape);
    }

    /** {@code int[]} as {@code INT32}. */
    public static ArrayTensorSchema<int[]> ints(final int... shape)
    {
        return new ArrayTensorSchema<>(Kind.INT, Kind.INT.dtype, shape);
    }

    /** {@code long[]} as {@code INT64}. */
    public static ArrayTensorSchema<long[]> longs(final int... shape)
    {
        return new ArrayTensorSchema<>(Kind.LONG, Kind.LONG.dtype, shape);
    }

    /** {@code float[]} as {@code FLOAT32}. */
    public static ArrayTensorSchema<float[]> floats(final int... shape)
    {
        return new ArrayTensorSchema<>(Kind.FLOAT, Kind.FLOAT.dtype, shape);
    }

    /** {@code double[]} as {@code FLOAT64}. */
    public static ArrayTensorSchema<double[]> doubles(final int... shape)
    {
        return new ArrayTensorSchema<>(Kind.DOUBLE, Kind.DOUBLE.dtype, shape);
    }

    /** The element type frames are described with. */
    public Dtype dtype()
    {
        return dtype;
    }

    /** The declared shape; empty for one-dimensional tensors of the array's length. */
    public int[] shape()
    {
        return shape.clone();
    }

    @Override
    public int payloadLength(final T element)
    {
        final int count = elementCount(element);
        if (shape.length > 0 && inferredDimension(count) < 0)
        {
            return INVALID;
        }
        final long bytes = (long)count * kind.elementSize;
        return bytes > Integer.MAX_VALUE ? INVALID : (int)bytes;
    }

    @Override
    public void serialize(final T element, final TensorSlot slot)
    {
        final int count = elementCount(element);
        slot.dtype(dtype);
        if (shape.length == 0)
        {
            if (null == dims)
            {
                dims = new int[1];
            }
            dims[0] = count;
            slot.shape(dims, 1);
        }
        else
        {
            if (null == dims)
            {
                dims = shape.clone();
            }
            if (inferredDim >= 0)
            {
                dims[inferredDim] = inferredDimension(count);
            }
            slot.shape(dims, dims.length);
        }

        switch (kind)
        {
            case BYTE:
                slot.putBytes(0, (byte[])element, 0, count);
                break;
            case SHORT:
                slot.putShorts(0, (short[])element, 0, count);
                break;
            case INT:
                slot.putInts(0, (int[])element, 0, count);
                break;
            case LONG:
                slot.putLongs(0, (long[])element, 0, count);
                break;
            case FLOAT:
                slot.putFloats(0, (float[])element, 0, count);
                break;
            default:
                slot.putDoubles(0, (double[])element, 0, count);
                break;
        }
    }

    /** The inferred (or checked) dimension for {@code count} elements, or -1 when the count does not fit. */
    private int inferredDimension(final int count)
    {
        if (inferredDim < 0)
        {
            return knownProduct == count ? 0 : -1;
        }
        if (count == 0 || count % knownProduct != 0)
        {
            return -1;
        }
        return (int)(count / knownProduct);
    }

    private int elementCount(final T element)
    {
        switch (kind)
        {
            case BYTE:
                return ((byte[])element).length;
            case SHORT:
                return ((short[])element).length;
            case INT:
                return ((int[])element).length;
            case LONG:
                return ((long[])element).length;
            case FLOAT:
                return ((float[])element).length;
            default:
                return ((double[])element).length;
        }
    }

    @Override
    public String toString()
    {
        return "ArrayTensorSchema{dtype=" + dtype + " shape=" + Arrays.toString(shape) + "}";
    }
}
