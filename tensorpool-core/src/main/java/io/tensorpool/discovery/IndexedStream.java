package io.tensorpool.discovery;

/**
 * Soft state for one (driver instance id, stream id) key (Discovery §6.1): the layout from the latest accepted
 * {@code ShmPoolAnnounce} and the data source declaration from {@code DataSourceAnnounce}/{@code DataSourceMeta}.
 * Either half may exist without the other, since metadata may arrive first; only entries with a fresh announce are
 * visible in results. Mutated only on the provider's agent thread; arrays are replaced, never changed in place, and
 * only when an announce actually changes something, so steady-state refreshes allocate nothing.
 */
final class IndexedStream
{
    static final byte[][] NO_TAGS = new byte[0][];
    static final int[] NO_INTS = new int[0];

    final DriverStreams driver;
    final int streamId;

    // From ShmPoolAnnounce.
    boolean announced;
    long lastAnnounceNs;
    int producerId;
    long epoch;
    int layoutVersion;
    int headerNslots;
    int headerSlotBytes;
    byte[] headerRegionUri = WireText.EMPTY;
    int[] poolIds = NO_INTS;
    int[] poolNslots = NO_INTS;
    int[] poolStrideBytes = NO_INTS;
    byte[][] poolRegionUris = NO_TAGS;

    // From DataSourceAnnounce / DataSourceMeta.
    boolean hasMetadata;
    long lastMetadataNs;
    boolean hasMetaEpoch;
    long metaEpoch;
    byte[] dataSourceName = WireText.EMPTY;
    long dataSourceId = DiscoveryQuery.NULL_U64;
    byte[][] tags = NO_TAGS;

    IndexedStream(final DriverStreams driver, final int streamId)
    {
        this.driver = driver;
        this.streamId = streamId;
    }

    boolean isVisible(final long nowNs, final long expiryNs)
    {
        return announced && nowNs - lastAnnounceNs <= expiryNs;
    }

    boolean hasTag(final String tag)
    {
        for (final byte[] t : tags)
        {
            if (WireText.equals(tag, t))
            {
                return true;
            }
        }
        return false;
    }

    /** Discovery §5.1 filters, AND semantics; duplicate request tags are already collapsed by the query's set. */
    boolean matches(final DiscoveryQuery query)
    {
        if (query.hasStreamId() && query.streamId() != streamId)
        {
            return false;
        }
        if (query.hasProducerId() && query.producerId() != producerId)
        {
            return false;
        }
        if (query.dataSourceIdRaw() != DiscoveryQuery.NULL_U64 && query.dataSourceIdRaw() != dataSourceId)
        {
            return false;
        }
        if (!query.dataSourceName().isEmpty() && !WireText.equals(query.dataSourceName(), dataSourceName))
        {
            return false;
        }
        for (final String tag : query.tags())
        {
            if (!hasTag(tag))
            {
                return false;
            }
        }
        return true;
    }

    void clearLayout()
    {
        announced = false;
        headerRegionUri = WireText.EMPTY;
        poolIds = NO_INTS;
        poolNslots = NO_INTS;
        poolStrideBytes = NO_INTS;
        poolRegionUris = NO_TAGS;
    }
}
