package io.tensorpool.flink.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Set;

/**
 * Enumerator to readers: these streams are gone from discovery; a reader holding one finishes it.
 */
@Internal
public final class RetireSplitsEvent implements SourceEvent
{
    private static final long serialVersionUID = 1L;

    private final Set<String> splitIds;

    /**
     * @param splitIds ids of the retired splits.
     */
    public RetireSplitsEvent(final Set<String> splitIds)
    {
        this.splitIds = Set.copyOf(splitIds);
    }

    /**
     * @return ids of the retired splits (unmodifiable).
     */
    public Set<String> splitIds()
    {
        return splitIds;
    }

    @Override
    public String toString()
    {
        return "RetireSplitsEvent{splits=" + splitIds + "}";
    }
}
