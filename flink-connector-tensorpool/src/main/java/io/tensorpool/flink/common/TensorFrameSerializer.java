package io.tensorpool.flink.common;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Flink serializer for {@link TensorFrame}: a fixed field layout written field by field, no reflection, no Kryo.
 * <p>
 * Layout (format 1, big-endian as Flink's data views write):
 * <pre>
 *   int    streamId
 *   long   epoch
 *   long   seq
 *   long   timestampNs
 *   int    metaVersion (u32)
 *   short  dtype
 *   short  majorOrder
 *   byte   ndims (0..8)
 *   byte   1 if strides follow, 0 if contiguous
 *   int    shape[ndims]
 *   long   strides[ndims]   (only if flagged)
 *   int    payload length
 *   byte   payload[length]
 * </pre>
 * A record whose ndims, stride flag or payload length is out of range fails with an {@link IOException} naming the
 * value instead of allocating whatever a corrupt length says.
 */
@PublicEvolving
public final class TensorFrameSerializer extends TypeSerializerSingleton<TensorFrame>
{
    private static final long serialVersionUID = 1L;

    /** Wire §8.2: at most 8 dimensions. */
    static final int MAX_DIMS = 8;

    /** The one instance; the serializer is stateless. */
    public static final TensorFrameSerializer INSTANCE = new TensorFrameSerializer();

    private TensorFrameSerializer()
    {
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isImmutableType()
    {
        return false;
    }

    /**
     * An empty zero-dimensional frame.
     */
    @Override
    public TensorFrame createInstance()
    {
        return new TensorFrame(0, 0, 0, 0, 0, (short)0, (short)0, TensorFrame.NO_DIMS, TensorFrame.NO_STRIDES,
            TensorFrame.NO_BYTES);
    }

    /**
     * A deep copy: the arrays of the copy are independent of the original's.
     */
    @Override
    public TensorFrame copy(final TensorFrame from)
    {
        return new TensorFrame(
            from.streamId(),
            from.epoch(),
            from.seq(),
            from.timestampNs(),
            from.metaVersion(),
            from.dtypeRaw(),
            from.majorOrderRaw(),
            from.shape().clone(),
            from.strides().clone(),
            from.payload().clone());
    }

    /**
     * A deep copy; the type is immutable in shape so {@code reuse} is not used.
     */
    @Override
    public TensorFrame copy(final TensorFrame from, final TensorFrame reuse)
    {
        return copy(from);
    }

    /**
     * Variable length.
     */
    @Override
    public int getLength()
    {
        return -1;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void serialize(final TensorFrame frame, final DataOutputView target) throws IOException
    {
        final int[] shape = frame.shape();
        final long[] strides = frame.strides();
        final byte[] payload = frame.payload();

        target.writeInt(frame.streamId());
        target.writeLong(frame.epoch());
        target.writeLong(frame.seq());
        target.writeLong(frame.timestampNs());
        target.writeInt((int)frame.metaVersion());
        target.writeShort(frame.dtypeRaw());
        target.writeShort(frame.majorOrderRaw());
        target.writeByte(shape.length);
        target.writeByte(strides.length == 0 ? 0 : 1);
        for (final int dim : shape)
        {
            target.writeInt(dim);
        }
        for (final long stride : strides)
        {
            target.writeLong(stride);
        }
        target.writeInt(payload.length);
        target.write(payload);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public TensorFrame deserialize(final DataInputView source) throws IOException
    {
        final int streamId = source.readInt();
        final long epoch = source.readLong();
        final long seq = source.readLong();
        final long timestampNs = source.readLong();
        final long metaVersion = source.readInt() & 0xFFFF_FFFFL;
        final short dtype = source.readShort();
        final short majorOrder = source.readShort();
        final int ndims = readNdims(source);
        final boolean hasStrides = readStridesFlag(source);

        final int[] shape = ndims == 0 ? TensorFrame.NO_DIMS : new int[ndims];
        for (int i = 0; i < ndims; i++)
        {
            shape[i] = source.readInt();
        }
        final long[] strides = hasStrides && ndims > 0 ? new long[ndims] : TensorFrame.NO_STRIDES;
        for (int i = 0; i < strides.length; i++)
        {
            strides[i] = source.readLong();
        }
        final int length = readPayloadLength(source);
        final byte[] payload = new byte[length];
        source.readFully(payload);

        return new TensorFrame(streamId, epoch, seq, timestampNs, metaVersion, dtype, majorOrder, shape, strides,
            payload);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public TensorFrame deserialize(final TensorFrame reuse, final DataInputView source) throws IOException
    {
        return deserialize(source);
    }

    /**
     * Copies one record's bytes without building the record.
     */
    @Override
    public void copy(final DataInputView source, final DataOutputView target) throws IOException
    {
        // streamId, epoch, seq, timestampNs, metaVersion, dtype, majorOrder: 4 + 8 + 8 + 8 + 4 + 2 + 2 bytes.
        target.write(source, 36);
        final int ndims = readNdims(source);
        final boolean hasStrides = readStridesFlag(source);
        target.writeByte(ndims);
        target.writeByte(hasStrides ? 1 : 0);
        target.write(source, ndims * Integer.BYTES + (hasStrides ? ndims * Long.BYTES : 0));
        final int length = readPayloadLength(source);
        target.writeInt(length);
        target.write(source, length);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public TypeSerializerSnapshot<TensorFrame> snapshotConfiguration()
    {
        return new TensorFrameSerializerSnapshot();
    }

    private static int readNdims(final DataInputView source) throws IOException
    {
        final int ndims = source.readUnsignedByte();
        if (ndims > MAX_DIMS)
        {
            throw new IOException("corrupt TensorFrame record: ndims=" + ndims + " exceeds " + MAX_DIMS);
        }
        return ndims;
    }

    private static boolean readStridesFlag(final DataInputView source) throws IOException
    {
        final int flag = source.readUnsignedByte();
        if (flag > 1)
        {
            throw new IOException("corrupt TensorFrame record: strides flag=" + flag + " is neither 0 nor 1");
        }
        return flag == 1;
    }

    private static int readPayloadLength(final DataInputView source) throws IOException
    {
        final int length = source.readInt();
        if (length < 0)
        {
            throw new IOException("corrupt TensorFrame record: payload length=" + length + " is negative");
        }
        return length;
    }

    /**
     * Snapshot of the serializer's configuration; the serializer has none, so any snapshot restores the singleton.
     * Format changes bump {@link #getCurrentVersion()} on this class.
     */
    @PublicEvolving
    public static final class TensorFrameSerializerSnapshot extends SimpleTypeSerializerSnapshot<TensorFrame>
    {
        /**
         * Used by Flink when restoring a snapshot.
         */
        public TensorFrameSerializerSnapshot()
        {
            super(() -> INSTANCE);
        }
    }
}
