package io.tensorpool.flink.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Versioned serializer of {@link TensorPoolSplit} for checkpoints and enumerator-to-reader assignment.
 * <p>
 * Version 1: {@code int streamId, UTF ownerHost, UTF driverChannel, int driverStreamId, long epoch, long lastSeq,
 * long framesEmitted}.
 */
@Internal
public final class TensorPoolSplitSerializer implements SimpleVersionedSerializer<TensorPoolSplit>
{
    /** Current format version. */
    public static final int CURRENT_VERSION = 1;

    /** Stateless: shared. */
    public static final TensorPoolSplitSerializer INSTANCE = new TensorPoolSplitSerializer();

    @Override
    public int getVersion()
    {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(final TensorPoolSplit split) throws IOException
    {
        final DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public TensorPoolSplit deserialize(final int version, final byte[] serialized) throws IOException
    {
        if (version != 1)
        {
            throw new IOException("unknown TensorPoolSplit serializer version=" + version + " (this build reads 1)");
        }
        final DataInputDeserializer in = new DataInputDeserializer(serialized);
        final TensorPoolSplit split = read(in);
        if (in.available() != 0)
        {
            throw new IOException("corrupt TensorPoolSplit: " + in.available() + " trailing bytes");
        }
        return split;
    }

    /**
     * Write one split in the current version's layout (shared with the enumerator state serializer).
     *
     * @param split the split.
     * @param out   where to write.
     * @throws IOException on a write failure.
     */
    public static void write(final TensorPoolSplit split, final DataOutputView out) throws IOException
    {
        out.writeInt(split.streamId());
        out.writeUTF(split.ownerHost());
        out.writeUTF(split.driver().channel());
        out.writeInt(split.driver().streamId());
        out.writeLong(split.epoch());
        out.writeLong(split.lastSeq());
        out.writeLong(split.framesEmitted());
    }

    /**
     * Read one split in the version 1 layout.
     *
     * @param in where to read.
     * @return the split.
     * @throws IOException on truncated or corrupt input.
     */
    public static TensorPoolSplit read(final DataInputView in) throws IOException
    {
        final int streamId = in.readInt();
        final String host = in.readUTF();
        final String channel = in.readUTF();
        final int driverStreamId = in.readInt();
        final long epoch = in.readLong();
        final long lastSeq = in.readLong();
        final long emitted = in.readLong();
        if (emitted < 0)
        {
            throw new IOException("corrupt TensorPoolSplit: framesEmitted=" + emitted + " is negative");
        }
        return new TensorPoolSplit(streamId, host, new DriverEndpoint(channel, driverStreamId), epoch, lastSeq, emitted);
    }
}
