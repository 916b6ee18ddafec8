package io.tensorpool.flink.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.List;
import java.util.Objects;

/**
 * Reader to enumerator, after each reader-side discovery round: every stream the reader's own driver reports now.
 * Replaces what the enumerator knew from that host, so a stream missing from the latest report retires. Used where
 * the job manager cannot reach a registry.
 */
@Internal
public final class DiscoveredStreamsEvent implements SourceEvent
{
    private static final long serialVersionUID = 1L;

    private final String hostId;
    private final List<DiscoveredStream> streams;

    /**
     * @param hostId  the reporting reader's host identity.
     * @param streams the streams its driver reports.
     */
    public DiscoveredStreamsEvent(final String hostId, final List<DiscoveredStream> streams)
    {
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.streams = List.copyOf(streams);
    }

    /**
     * @return the reporting reader's host identity.
     */
    public String hostId()
    {
        return hostId;
    }

    /**
     * @return the streams reported (unmodifiable).
     */
    public List<DiscoveredStream> streams()
    {
        return streams;
    }

    @Override
    public String toString()
    {
        return "DiscoveredStreamsEvent{host=" + hostId + " streams=" + streams.size() + "}";
    }
}
