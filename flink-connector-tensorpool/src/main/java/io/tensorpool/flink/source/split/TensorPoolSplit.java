package io.tensorpool.flink.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.io.Serializable;
import java.util.Objects;

/**
 * One tensorpool stream on one host, and where to resume it. Immutable; progress is tracked by
 * {@link TensorPoolSplitState} and turned back into a split at each checkpoint.
 * <p>
 * A split may only be read on its {@link #ownerHost()}: shared memory does not cross hosts. The owner is the
 * stream's driver instance id as discovery reports it (a host name by default), or {@link #ANY_HOST} for streams
 * named explicitly without discovery, which any reader may take.
 * <p>
 * The resume position is (epoch, last seq): a reader restoring it replays the frames of that epoch still committed
 * in the ring with a higher seq, then goes live. {@link #NO_EPOCH} means "nothing read yet".
 */
@Internal
public final class TensorPoolSplit implements SourceSplit, Serializable
{
    /** Owner of a stream named without discovery: any reader may read it. */
    public static final String ANY_HOST = "*";
    /** Epoch of a split nothing has been read from yet. */
    public static final long NO_EPOCH = -1;
    /** Last seq of a split nothing has been read from yet. */
    public static final long NO_SEQ = -1;

    private static final long serialVersionUID = 1L;

    private final int streamId;
    private final String ownerHost;
    private final DriverEndpoint driver;
    private final long epoch;
    private final long lastSeq;
    private final long framesEmitted;

    /**
     * @param streamId      the tensorpool stream id.
     * @param ownerHost     the owning driver instance id (host), or {@link #ANY_HOST}.
     * @param driver        the owning driver's control endpoint.
     * @param epoch         the epoch of the last emitted frame, or {@link #NO_EPOCH}.
     * @param lastSeq       the seq of the last emitted frame, or {@link #NO_SEQ}.
     * @param framesEmitted frames emitted from this split so far (for bounded reads).
     */
    public TensorPoolSplit(
        final int streamId,
        final String ownerHost,
        final DriverEndpoint driver,
        final long epoch,
        final long lastSeq,
        final long framesEmitted)
    {
        this.streamId = streamId;
        this.ownerHost = Objects.requireNonNull(ownerHost, "ownerHost");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.epoch = epoch;
        this.lastSeq = lastSeq;
        this.framesEmitted = framesEmitted;
    }

    /**
     * A split nothing has been read from.
     *
     * @param streamId  the tensorpool stream id.
     * @param ownerHost the owning driver instance id (host), or {@link #ANY_HOST}.
     * @param driver    the owning driver's control endpoint.
     * @return the split.
     */
    public static TensorPoolSplit fresh(final int streamId, final String ownerHost, final DriverEndpoint driver)
    {
        return new TensorPoolSplit(streamId, ownerHost, driver, NO_EPOCH, NO_SEQ, 0);
    }

    /**
     * The split id, unique per (owner host, stream id): {@code <host>/<streamId>}.
     *
     * @param ownerHost the owner host.
     * @param streamId  the stream id.
     * @return the id.
     */
    public static String splitId(final String ownerHost, final int streamId)
    {
        return ownerHost + "/" + Integer.toUnsignedString(streamId);
    }

    @Override
    public String splitId()
    {
        return splitId(ownerHost, streamId);
    }

    /**
     * @return the tensorpool stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * @return the owning driver instance id (host), or {@link #ANY_HOST}.
     */
    public String ownerHost()
    {
        return ownerHost;
    }

    /**
     * @return the owning driver's control endpoint.
     */
    public DriverEndpoint driver()
    {
        return driver;
    }

    /**
     * @return the epoch of the last emitted frame, or {@link #NO_EPOCH}.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return the seq of the last emitted frame, or {@link #NO_SEQ}.
     */
    public long lastSeq()
    {
        return lastSeq;
    }

    /**
     * @return frames emitted from this split so far.
     */
    public long framesEmitted()
    {
        return framesEmitted;
    }

    /**
     * @return true if this split has a resume position.
     */
    public boolean hasPosition()
    {
        return epoch != NO_EPOCH;
    }

    /**
     * @param host a reader's host identity.
     * @return true if a reader on {@code host} may read this split.
     */
    public boolean readableOn(final String host)
    {
        return ANY_HOST.equals(ownerHost) || ownerHost.equals(host);
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof TensorPoolSplit))
        {
            return false;
        }
        final TensorPoolSplit that = (TensorPoolSplit)o;
        return streamId == that.streamId && epoch == that.epoch && lastSeq == that.lastSeq &&
            framesEmitted == that.framesEmitted && ownerHost.equals(that.ownerHost) && driver.equals(that.driver);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(streamId, ownerHost, driver, epoch, lastSeq, framesEmitted);
    }

    @Override
    public String toString()
    {
        return "TensorPoolSplit{stream=" + Integer.toUnsignedString(streamId) + " host=" + ownerHost + " driver=" +
            driver + " epoch=" + epoch + " lastSeq=" + lastSeq + " emitted=" + framesEmitted + "}";
    }
}
