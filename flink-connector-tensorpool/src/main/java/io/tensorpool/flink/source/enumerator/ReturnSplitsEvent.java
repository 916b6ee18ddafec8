package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.List;

/**
 * Reader to enumerator: splits the reader received but cannot read because they belong to another host (Flink
 * redistributes restored reader state without regard to hosts on rescale). The enumerator places them again, with
 * their progress, on a co-located reader.
 */
@Internal
public final class ReturnSplitsEvent implements SourceEvent
{
    private static final long serialVersionUID = 1L;

    private final List<TensorPoolSplit> splits;

    /**
     * @param splits the splits, with their progress.
     */
    public ReturnSplitsEvent(final List<TensorPoolSplit> splits)
    {
        this.splits = List.copyOf(splits);
    }

    /**
     * @return the returned splits (unmodifiable).
     */
    public List<TensorPoolSplit> splits()
    {
        return splits;
    }

    @Override
    public String toString()
    {
        return "ReturnSplitsEvent{splits=" + splits + "}";
    }
}
