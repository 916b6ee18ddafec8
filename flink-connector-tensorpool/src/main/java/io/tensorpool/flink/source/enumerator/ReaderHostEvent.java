package io.tensorpool.flink.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Objects;

/**
 * Reader to enumerator, once at start: the reader's host identity (its local driver's instance id, or the
 * configured host id). Lets the enumerator place splits on readers whose {@code ReaderInfo} location is an address
 * rather than the name the driver reports.
 */
@Internal
public final class ReaderHostEvent implements SourceEvent
{
    private static final long serialVersionUID = 1L;

    private final String hostId;

    /**
     * @param hostId the reader's host identity.
     */
    public ReaderHostEvent(final String hostId)
    {
        this.hostId = Objects.requireNonNull(hostId, "hostId");
    }

    /**
     * @return the reader's host identity.
     */
    public String hostId()
    {
        return hostId;
    }

    @Override
    public String toString()
    {
        return "ReaderHostEvent{host=" + hostId + "}";
    }
}
