package io.tensorpool.flink.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

import java.util.Objects;

/**
 * Reader to enumerator: the names the reader's host goes by. Sent at start with the host name (or the configured
 * {@code tensorpool.host-id}), and again once the reader has learned the instance id of the driver on its host (the
 * driver it attaches to), which is the name discovery gives that host's streams. Lets the enumerator place splits
 * on readers whose {@code ReaderInfo} location is an address, or whose driver runs with a default instance id.
 */
@Internal
public final class ReaderHostEvent implements SourceEvent
{
    private static final long serialVersionUID = 2L;

    private final String hostId;
    private final String driverInstanceId;
    private final boolean settled;

    /**
     * @param hostId the reader's host identity; the reader has nothing more to tell.
     */
    public ReaderHostEvent(final String hostId)
    {
        this(hostId, null, true);
    }

    /**
     * @param hostId           the reader's host identity; the reader has nothing more to tell.
     * @param driverInstanceId the instance id of the driver on the reader's host, or null if not known.
     */
    public ReaderHostEvent(final String hostId, final String driverInstanceId)
    {
        this(hostId, driverInstanceId, true);
    }

    /**
     * @param hostId           the reader's host identity (host name or configured host id).
     * @param driverInstanceId the instance id of the driver on the reader's host, or null if not known (yet).
     * @param settled          false while the reader is still asking its driver for the first time: a bounded
     *                         source waits for settled readers before it gives up placing a split.
     */
    public ReaderHostEvent(final String hostId, final String driverInstanceId, final boolean settled)
    {
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.driverInstanceId = driverInstanceId;
        this.settled = settled;
    }

    /**
     * @return true once the reader has asked its host's driver (or has nothing to ask).
     */
    public boolean settled()
    {
        return settled;
    }

    /**
     * @return the reader's host identity.
     */
    public String hostId()
    {
        return hostId;
    }

    /**
     * @return the instance id of the driver on the reader's host, or null if the reader has not learned it.
     */
    public String driverInstanceId()
    {
        return driverInstanceId;
    }

    @Override
    public String toString()
    {
        return "ReaderHostEvent{host=" + hostId + ", driver=" + driverInstanceId + ", settled=" + settled + "}";
    }
}
