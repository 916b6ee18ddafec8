package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.flink.source.split.TensorPoolSplitSerializer;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Versioned serializer of {@link TensorPoolEnumeratorState}.
 * <p>
 * Version 1: {@code int count}, then per split the {@link TensorPoolSplitSerializer} version 1 layout followed by a
 * {@code boolean assigned}.
 */
@Internal
public final class TensorPoolEnumeratorStateSerializer implements SimpleVersionedSerializer<TensorPoolEnumeratorState>
{
    /** Current format version. */
    public static final int CURRENT_VERSION = 1;

    /** Upper bound on the split count read back, so a corrupt count fails instead of looping for ever. */
    private static final int MAX_SPLITS = 1 << 20;

    @Override
    public int getVersion()
    {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(final TensorPoolEnumeratorState state) throws IOException
    {
        final DataOutputSerializer out = new DataOutputSerializer(64 + 48 * state.splits().size());
        out.writeInt(state.splits().size());
        for (final TensorPoolSplit split : state.splits().values())
        {
            TensorPoolSplitSerializer.write(split, out);
            out.writeBoolean(state.assigned().contains(split.splitId()));
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public TensorPoolEnumeratorState deserialize(final int version, final byte[] serialized) throws IOException
    {
        if (version != 1)
        {
            throw new IOException(
                "unknown TensorPoolEnumeratorState serializer version=" + version + " (this build reads 1)");
        }
        final DataInputDeserializer in = new DataInputDeserializer(serialized);
        final int count = in.readInt();
        if (count < 0 || count > MAX_SPLITS)
        {
            throw new IOException("corrupt TensorPoolEnumeratorState: split count=" + count);
        }
        final Map<String, TensorPoolSplit> splits = new LinkedHashMap<>();
        final Set<String> assigned = new HashSet<>();
        for (int i = 0; i < count; i++)
        {
            final TensorPoolSplit split = TensorPoolSplitSerializer.read(in);
            splits.put(split.splitId(), split);
            if (in.readBoolean())
            {
                assigned.add(split.splitId());
            }
        }
        if (in.available() != 0)
        {
            throw new IOException("corrupt TensorPoolEnumeratorState: " + in.available() + " trailing bytes");
        }
        return new TensorPoolEnumeratorState(splits, assigned);
    }
}
