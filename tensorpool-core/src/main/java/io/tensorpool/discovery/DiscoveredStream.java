package io.tensorpool.discovery;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One result of a discovery query (Discovery §5.2): a stream, its informational SHM layout, its data source metadata
 * and the driver that is the authority for attaching to it. Immutable.
 * <p>
 * <b>Advisory only</b> (Discovery §3, §7): a result is a snapshot that may already be stale. Attach through
 * {@link #driverControlChannel()}/{@link #driverControlStreamId()} with {@code ShmAttachRequest} and validate epoch,
 * layout version and superblocks from the attach response; never map the URIs reported here directly.
 * <p>
 * u32 fields are returned as Java {@code int} holding the unsigned bits (use {@link Integer#toUnsignedLong(int)}),
 * u64 fields as {@code long} bits. Text fields are the exact announced bytes, one char per byte (ISO-8859-1).
 */
public final class DiscoveredStream
{
    private final int streamId;
    private final int producerId;
    private final long epoch;
    private final int layoutVersion;
    private final String headerRegionUri;
    private final int headerNslots;
    private final int headerSlotBytes;
    private final int maxDims;
    private final List<DiscoveredPool> pools;
    private final long dataSourceId;
    private final String dataSourceName;
    private final Set<String> tags;
    private final String driverInstanceId;
    private final String driverControlChannel;
    private final int driverControlStreamId;

    /**
     * All fields as they appear on the wire; {@code dataSourceId} is the wire value, all ones meaning absent.
     * Collections are copied.
     */
    public DiscoveredStream(
        final int streamId,
        final int producerId,
        final long epoch,
        final int layoutVersion,
        final String headerRegionUri,
        final int headerNslots,
        final int headerSlotBytes,
        final int maxDims,
        final List<DiscoveredPool> pools,
        final long dataSourceId,
        final String dataSourceName,
        final Set<String> tags,
        final String driverInstanceId,
        final String driverControlChannel,
        final int driverControlStreamId)
    {
        this.streamId = streamId;
        this.producerId = producerId;
        this.epoch = epoch;
        this.layoutVersion = layoutVersion;
        this.headerRegionUri = Objects.requireNonNull(headerRegionUri, "headerRegionUri");
        this.headerNslots = headerNslots;
        this.headerSlotBytes = headerSlotBytes;
        this.maxDims = maxDims;
        this.pools = List.copyOf(pools);
        this.dataSourceId = dataSourceId;
        this.dataSourceName = Objects.requireNonNull(dataSourceName, "dataSourceName");
        this.tags = Collections.unmodifiableSet(new LinkedHashSet<>(tags));
        this.driverInstanceId = Objects.requireNonNull(driverInstanceId, "driverInstanceId");
        this.driverControlChannel = Objects.requireNonNull(driverControlChannel, "driverControlChannel");
        this.driverControlStreamId = driverControlStreamId;
    }

    /** Stream id (u32 bits). */
    public int streamId()
    {
        return streamId;
    }

    /** Producer id (u32 bits) from the latest {@code ShmPoolAnnounce}. */
    public int producerId()
    {
        return producerId;
    }

    /** Epoch the provider last saw announced; attach to learn the current one. */
    public long epoch()
    {
        return epoch;
    }

    /** Layout version (u32 bits). */
    public int layoutVersion()
    {
        return layoutVersion;
    }

    /** Header ring region URI, informational. */
    public String headerRegionUri()
    {
        return headerRegionUri;
    }

    /** Header ring slot count (u32 bits). */
    public int headerNslots()
    {
        return headerNslots;
    }

    /** Header slot size; 256 in v1.x. */
    public int headerSlotBytes()
    {
        return headerSlotBytes;
    }

    /** Maximum tensor dimensions; 8 in v1.x. */
    public int maxDims()
    {
        return maxDims;
    }

    /** Payload pools in announced order. */
    public List<DiscoveredPool> pools()
    {
        return pools;
    }

    /** Declared data source id, empty if the producer declared none. */
    public OptionalLong dataSourceId()
    {
        return dataSourceId == DiscoveryQuery.NULL_U64 ? OptionalLong.empty() : OptionalLong.of(dataSourceId);
    }

    /** Declared data source name exactly as announced; empty if none was declared. */
    public String dataSourceName()
    {
        return dataSourceName;
    }

    /** The stream's full tag set, original case; ordering is unspecified (Discovery §5.2). */
    public Set<String> tags()
    {
        return tags;
    }

    /** Instance id of the driver that owns the stream. */
    public String driverInstanceId()
    {
        return driverInstanceId;
    }

    /** Control channel of the authoritative driver: send {@code ShmAttachRequest} here. */
    public String driverControlChannel()
    {
        return driverControlChannel;
    }

    /** Control stream id of the authoritative driver (u32 bits, never 0 in a valid result). */
    public int driverControlStreamId()
    {
        return driverControlStreamId;
    }

    /** Whether {@code other} is the same stream of the same driver (Discovery §6.1 key), whatever the epoch. */
    public boolean sameStreamAs(final DiscoveredStream other)
    {
        return streamId == other.streamId && driverInstanceId.equals(other.driverInstanceId);
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof DiscoveredStream))
        {
            return false;
        }
        final DiscoveredStream that = (DiscoveredStream)o;
        return streamId == that.streamId && producerId == that.producerId && epoch == that.epoch &&
            layoutVersion == that.layoutVersion && headerNslots == that.headerNslots &&
            headerSlotBytes == that.headerSlotBytes && maxDims == that.maxDims &&
            dataSourceId == that.dataSourceId && driverControlStreamId == that.driverControlStreamId &&
            headerRegionUri.equals(that.headerRegionUri) && pools.equals(that.pools) &&
            dataSourceName.equals(that.dataSourceName) && tags.equals(that.tags) &&
            driverInstanceId.equals(that.driverInstanceId) && driverControlChannel.equals(that.driverControlChannel);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(streamId, producerId, epoch, driverInstanceId);
    }

    @Override
    public String toString()
    {
        return "DiscoveredStream{streamId=" + Integer.toUnsignedString(streamId) +
            ", producerId=" + Integer.toUnsignedString(producerId) +
            ", epoch=" + Long.toUnsignedString(epoch) +
            ", layoutVersion=" + Integer.toUnsignedString(layoutVersion) +
            ", headerRegionUri='" + headerRegionUri + '\'' +
            ", headerNslots=" + Integer.toUnsignedString(headerNslots) +
            ", headerSlotBytes=" + headerSlotBytes +
            ", maxDims=" + maxDims +
            ", pools=" + pools +
            ", dataSourceId=" + (dataSourceId().isPresent() ? Long.toUnsignedString(dataSourceId) : "none") +
            ", dataSourceName='" + dataSourceName + '\'' +
            ", tags=" + tags +
            ", driverInstanceId='" + driverInstanceId + '\'' +
            ", driverControlChannel='" + driverControlChannel + '\'' +
            ", driverControlStreamId=" + Integer.toUnsignedString(driverControlStreamId) + '}';
    }
}
