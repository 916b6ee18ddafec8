package io.tensorpool.discovery;

import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.control.SchemaGatedHandler;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.ShmLayout;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The soft-state stream index of a discovery provider (Discovery §6), keyed by (driver instance id, stream id).
 * <ul>
 *   <li>{@code ShmPoolAnnounce} supplies layout and epoch. A newer epoch replaces the entry; an older epoch is dropped
 *   while the entry is live (counted). A live entry is one refreshed within the expiry window, so after a driver
 *   restart that reuses lower epochs the old entry stops being refreshed, expires, and the lower epoch is accepted
 *   from then on (Discovery §6.3 "unless a driver restart is known").</li>
 *   <li>{@code DataSourceAnnounce} supplies the data source name; {@code DataSourceMeta} supplies tags (attribute key
 *   {@code tag}) and the data source id (key {@code data_source_id}, decimal text). A {@code DataSourceAnnounce} with
 *   a newer epoch than the declaration on record starts a new declaration: tags and id are cleared until the
 *   producer's next {@code DataSourceMeta}. One with an epoch older than the stream's is dropped as stale.</li>
 *   <li>An entry is visible only while a {@code ShmPoolAnnounce} was accepted within the expiry window (Discovery
 *   §6.2, measured on the provider's clock at receipt); metadata without a fresh announce is kept for one window, then
 *   removed.</li>
 * </ul>
 * Messages that fail validation are rejected whole and counted; nothing partial is applied. Not thread-safe: used
 * only on the provider's agent thread. Steady-state refreshes (same epoch, same layout) allocate nothing.
 */
public final class StreamIndex
{
    /** Result of an update: applied to the index. */
    public static final int APPLIED = 0;
    /** Result of an update: failed validation, nothing applied. */
    public static final int REJECTED = 1;
    /** Result of an update: valid but older than what the index holds, ignored. */
    public static final int STALE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(StreamIndex.class);
    private static final long WARN_INTERVAL_NS = 1_000_000_000L;
    private static final byte[] TAG_KEY = {'t', 'a', 'g'};
    private static final byte[] DATA_SOURCE_ID_KEY =
        {'d', 'a', 't', 'a', '_', 's', 'o', 'u', 'r', 'c', 'e', '_', 'i', 'd'};
    private static final byte[] TEXT_PLAIN = {'t', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n'};
    private static final int MAX_POOLS = 1024;

    private final long expiryNs;
    private final int maxStreamsPerDriver;
    private final int maxNameLength;
    private final int maxTagLength;
    private final int maxTagsPerStream;
    private final List<DriverStreams> drivers = new ArrayList<>();

    private final ShmPoolAnnounceDecoder poolAnnounce = new ShmPoolAnnounceDecoder();
    private final DataSourceAnnounceDecoder sourceAnnounce = new DataSourceAnnounceDecoder();
    private final DataSourceMetaDecoder sourceMeta = new DataSourceMetaDecoder();
    private final UnsafeBuffer textView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer formatView = new UnsafeBuffer(0, 0);
    private final int[] tagOffsets;
    private final int[] tagLengths;

    private long lastWarnNs = Long.MIN_VALUE / 2;
    private long announcesApplied;
    private long epochChanges;
    private long epochRegressionsDropped;
    private long announcesRejected;
    private long metadataApplied;
    private long metadataRejected;
    private long metadataStale;
    private long entriesExpired;
    private long capacityRejected;

    /**
     * @param expiryNs            an entry without an accepted {@code ShmPoolAnnounce} for longer than this is
     *                            invisible (and later removed); Discovery §6.2 recommends 3x the announce period.
     * @param maxStreamsPerDriver bound on entries per driver, so a flood of stream ids cannot exhaust memory.
     * @param maxNameLength       longest accepted data source name in bytes.
     * @param maxTagLength        longest accepted tag in bytes.
     * @param maxTagsPerStream    most distinct tags accepted per stream.
     */
    public StreamIndex(
        final long expiryNs,
        final int maxStreamsPerDriver,
        final int maxNameLength,
        final int maxTagLength,
        final int maxTagsPerStream)
    {
        if (expiryNs <= 0 || maxStreamsPerDriver <= 0 || maxNameLength <= 0 || maxTagLength <= 0 ||
            maxTagsPerStream <= 0)
        {
            throw new IllegalArgumentException("StreamIndex bounds must be positive: expiryNs=" + expiryNs +
                " maxStreamsPerDriver=" + maxStreamsPerDriver + " maxNameLength=" + maxNameLength +
                " maxTagLength=" + maxTagLength + " maxTagsPerStream=" + maxTagsPerStream);
        }
        this.expiryNs = expiryNs;
        this.maxStreamsPerDriver = maxStreamsPerDriver;
        this.maxNameLength = maxNameLength;
        this.maxTagLength = maxTagLength;
        this.maxTagsPerStream = maxTagsPerStream;
        this.tagOffsets = new int[maxTagsPerStream];
        this.tagLengths = new int[maxTagsPerStream];
    }

    DriverStreams addDriver(final DriverFeed feed)
    {
        for (final DriverStreams d : drivers)
        {
            if (d.feed.driverInstanceId().equals(feed.driverInstanceId()))
            {
                throw new IllegalArgumentException("duplicate driver instance id: " + feed.driverInstanceId());
            }
        }
        final DriverStreams driver = new DriverStreams(feed);
        drivers.add(driver);
        return driver;
    }

    /**
     * Apply one {@code ShmPoolAnnounce} (Wire §10.1.1) whose header has already been checked.
     *
     * @param buffer      the message, SBE header at offset 0.
     * @param blockLength from the message header (equal to the v1 block length).
     * @param version     from the message header.
     * @return {@link #APPLIED}, {@link #REJECTED} or {@link #STALE}.
     */
    int onShmPoolAnnounce(
        final DriverStreams driver, final DirectBuffer buffer, final int blockLength, final int version,
        final long nowNs)
    {
        final ShmPoolAnnounceDecoder d = poolAnnounce;
        d.wrap(buffer, SchemaGatedHandler.HEADER_LENGTH, blockLength, version);
        final int streamId = (int)d.streamId();
        final long epoch = d.epoch();
        final long headerNslots = d.headerNslots();
        final int headerSlotBytes = d.headerSlotBytes();
        if (headerSlotBytes != ShmLayout.HEADER_SLOT_BYTES)
        {
            return rejectAnnounce(driver, streamId, "headerSlotBytes is not 256", headerSlotBytes, nowNs);
        }
        if (headerNslots == 0)
        {
            return rejectAnnounce(driver, streamId, "headerNslots is 0", headerNslots, nowNs);
        }

        // Validation pass: nothing is applied unless the whole message is valid (Wire §10.1.1, Discovery §5.2).
        final ShmPoolAnnounceDecoder.PayloadPoolsDecoder pools = d.payloadPools();
        final int poolCount = pools.count();
        if (pools.actingBlockLength() != ShmPoolAnnounceDecoder.PayloadPoolsDecoder.sbeBlockLength())
        {
            return rejectAnnounce(driver, streamId, "payloadPools blockLength is not 10", pools.actingBlockLength(),
                nowNs);
        }
        if (poolCount == 0 || poolCount > MAX_POOLS)
        {
            return rejectAnnounce(driver, streamId, "payloadPools count out of range 1..1024", poolCount, nowNs);
        }
        final IndexedStream existing = driver.streams.get(streamId);
        final boolean live = null != existing && existing.isVisible(nowNs, expiryNs);
        boolean layoutChanged = !live || existing.epoch != epoch || existing.poolIds.length != poolCount;
        int poolIndex = 0;
        while (pools.hasNext())
        {
            pools.next();
            final long poolNslots = pools.poolNslots();
            if (poolNslots != headerNslots)
            {
                return rejectAnnounce(driver, streamId, "pool nslots differs from headerNslots", poolNslots, nowNs);
            }
            pools.wrapRegionUri(textView);
            final int uriLength = textView.capacity();
            if (uriLength == 0 || uriLength > RegionUri.MAX_LENGTH)
            {
                return rejectAnnounce(driver, streamId, "pool regionUri length out of range", uriLength, nowNs);
            }
            if (!layoutChanged &&
                (existing.poolIds[poolIndex] != pools.poolId() ||
                existing.poolNslots[poolIndex] != (int)poolNslots ||
                existing.poolStrideBytes[poolIndex] != (int)pools.strideBytes() ||
                !WireText.equals(textView, existing.poolRegionUris[poolIndex])))
            {
                layoutChanged = true;
            }
            poolIndex++;
        }
        d.wrapHeaderRegionUri(textView);
        final int headerUriLength = textView.capacity();
        if (headerUriLength == 0 || headerUriLength > RegionUri.MAX_LENGTH)
        {
            return rejectAnnounce(driver, streamId, "headerRegionUri length out of range", headerUriLength, nowNs);
        }
        if (!layoutChanged && !WireText.equals(textView, existing.headerRegionUri))
        {
            layoutChanged = true;
        }

        if (live && Long.compareUnsigned(epoch, existing.epoch) < 0)
        {
            epochRegressionsDropped++;
            warn(nowNs, "discovery dropped regressing epoch driver={} stream={} epoch={} indexed={}",
                driver, streamId, epoch, existing.epoch);
            return STALE;
        }

        IndexedStream entry = existing;
        if (null == entry)
        {
            entry = newEntry(driver, streamId, nowNs);
            if (null == entry)
            {
                announcesRejected++;
                return REJECTED;
            }
        }
        if (live && epoch != entry.epoch)
        {
            epochChanges++;
            LOG.info("discovery epoch change driver={} stream={} epoch={} previous={}",
                driver.feed.driverInstanceId(), Integer.toUnsignedString(streamId), Long.toUnsignedString(epoch),
                Long.toUnsignedString(entry.epoch));
        }
        else if (!live)
        {
            LOG.info("discovery stream visible driver={} stream={} epoch={}",
                driver.feed.driverInstanceId(), Integer.toUnsignedString(streamId), Long.toUnsignedString(epoch));
        }

        entry.announced = true;
        entry.lastAnnounceNs = nowNs;
        entry.producerId = (int)d.producerId();
        entry.epoch = epoch;
        entry.layoutVersion = (int)d.layoutVersion();
        entry.headerNslots = (int)headerNslots;
        entry.headerSlotBytes = headerSlotBytes;
        if (layoutChanged)
        {
            copyLayout(entry, buffer, blockLength, version, poolCount);
        }
        announcesApplied++;
        return APPLIED;
    }

    private void copyLayout(
        final IndexedStream entry, final DirectBuffer buffer, final int blockLength, final int version,
        final int poolCount)
    {
        final ShmPoolAnnounceDecoder d = poolAnnounce;
        d.wrap(buffer, SchemaGatedHandler.HEADER_LENGTH, blockLength, version);
        final int[] ids = new int[poolCount];
        final int[] nslots = new int[poolCount];
        final int[] strides = new int[poolCount];
        final byte[][] uris = new byte[poolCount][];
        int i = 0;
        for (final ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool : d.payloadPools())
        {
            ids[i] = pool.poolId();
            nslots[i] = (int)pool.poolNslots();
            strides[i] = (int)pool.strideBytes();
            pool.wrapRegionUri(textView);
            uris[i] = WireText.copy(textView);
            i++;
        }
        d.wrapHeaderRegionUri(textView);
        entry.headerRegionUri = WireText.copy(textView);
        entry.poolIds = ids;
        entry.poolNslots = nslots;
        entry.poolStrideBytes = strides;
        entry.poolRegionUris = uris;
    }

    /** Apply one {@code DataSourceAnnounce} (Wire §10.3.1): the data source name. */
    int onDataSourceAnnounce(
        final DriverStreams driver, final DirectBuffer buffer, final int blockLength, final int version,
        final long nowNs)
    {
        final DataSourceAnnounceDecoder d = sourceAnnounce;
        d.wrap(buffer, SchemaGatedHandler.HEADER_LENGTH, blockLength, version);
        final int streamId = (int)d.streamId();
        final long epoch = d.epoch();
        d.wrapName(textView);
        final int nameLength = textView.capacity();
        if (nameLength > maxNameLength)
        {
            metadataRejected++;
            warn(nowNs, "discovery rejected DataSourceAnnounce driver={} stream={}: name of {} bytes exceeds {}",
                driver, streamId, nameLength, maxNameLength);
            return REJECTED;
        }
        d.skipSummary();

        IndexedStream entry = driver.streams.get(streamId);
        if (null != entry &&
            ((entry.isVisible(nowNs, expiryNs) && Long.compareUnsigned(epoch, entry.epoch) < 0) ||
            (entry.hasMetaEpoch && Long.compareUnsigned(epoch, entry.metaEpoch) < 0)))
        {
            metadataStale++;
            return STALE;
        }
        if (null == entry)
        {
            entry = newEntry(driver, streamId, nowNs);
            if (null == entry)
            {
                metadataRejected++;
                return REJECTED;
            }
        }
        if (entry.hasMetaEpoch && epoch != entry.metaEpoch)
        {
            // A new producer incarnation: its tags and id arrive in its own DataSourceMeta.
            entry.tags = IndexedStream.NO_TAGS;
            entry.dataSourceId = DiscoveryQuery.NULL_U64;
        }
        entry.hasMetaEpoch = true;
        entry.metaEpoch = epoch;
        if (!WireText.equals(textView, entry.dataSourceName))
        {
            entry.dataSourceName = WireText.copy(textView);
        }
        entry.hasMetadata = true;
        entry.lastMetadataNs = nowNs;
        metadataApplied++;
        return APPLIED;
    }

    /** Apply one {@code DataSourceMeta} (Wire §10.3.2): tags and data source id as declared in docs/DESIGN.md. */
    int onDataSourceMeta(
        final DriverStreams driver, final DirectBuffer buffer, final int blockLength, final int version,
        final long nowNs)
    {
        final DataSourceMetaDecoder d = sourceMeta;
        d.wrap(buffer, SchemaGatedHandler.HEADER_LENGTH, blockLength, version);
        final int streamId = (int)d.streamId();
        final DataSourceMetaDecoder.AttributesDecoder attributes = d.attributes();
        if (attributes.actingBlockLength() != DataSourceMetaDecoder.AttributesDecoder.sbeBlockLength())
        {
            return rejectMeta(driver, streamId, "attributes blockLength is not 0", attributes.actingBlockLength(),
                nowNs);
        }
        int tagCount = 0;
        long dataSourceId = DiscoveryQuery.NULL_U64;
        while (attributes.hasNext())
        {
            attributes.next();
            attributes.wrapKey(keyView);
            attributes.wrapFormat(formatView);
            attributes.wrapValue(textView);
            final boolean isTag = WireText.equals(keyView, TAG_KEY);
            final boolean isId = !isTag && WireText.equals(keyView, DATA_SOURCE_ID_KEY);
            if (!isTag && !isId)
            {
                continue; // Wire §10.3.2: unknown keys may be ignored.
            }
            if (formatView.capacity() != 0 && !WireText.equals(formatView, TEXT_PLAIN))
            {
                return rejectMeta(driver, streamId, "tag/data_source_id attribute format is not text/plain",
                    formatView.capacity(), nowNs);
            }
            final int valueLength = textView.capacity();
            if (isTag)
            {
                if (valueLength == 0 || valueLength > maxTagLength)
                {
                    return rejectMeta(driver, streamId, "tag length out of range", valueLength, nowNs);
                }
                if (!containsTag(buffer, tagCount))
                {
                    if (tagCount == maxTagsPerStream)
                    {
                        return rejectMeta(driver, streamId, "too many distinct tags", tagCount + 1, nowNs);
                    }
                    tagOffsets[tagCount] = d.limit() - valueLength;
                    tagLengths[tagCount] = valueLength;
                    tagCount++;
                }
            }
            else
            {
                dataSourceId = parseUnsignedDecimal(textView);
                if (dataSourceId == DiscoveryQuery.NULL_U64)
                {
                    return rejectMeta(driver, streamId, "data_source_id is not a decimal u64 below 2^64-1",
                        valueLength, nowNs);
                }
            }
        }

        IndexedStream entry = driver.streams.get(streamId);
        if (null == entry)
        {
            entry = newEntry(driver, streamId, nowNs);
            if (null == entry)
            {
                metadataRejected++;
                return REJECTED;
            }
        }
        if (!sameTags(entry.tags, buffer, tagCount))
        {
            final byte[][] tags = new byte[tagCount][];
            for (int i = 0; i < tagCount; i++)
            {
                tags[i] = new byte[tagLengths[i]];
                buffer.getBytes(tagOffsets[i], tags[i]);
            }
            entry.tags = tags;
        }
        entry.dataSourceId = dataSourceId;
        entry.hasMetadata = true;
        entry.lastMetadataNs = nowNs;
        metadataApplied++;
        return APPLIED;
    }

    /**
     * Make entries whose announces went stale invisible, and remove entries with neither a fresh announce nor fresh
     * metadata (Discovery §6.2).
     *
     * @return number of entries that stopped being visible.
     */
    int expire(final long nowNs)
    {
        int expired = 0;
        for (int i = 0, n = drivers.size(); i < n; i++)
        {
            final DriverStreams driver = drivers.get(i);
            final Iterator<IndexedStream> it = driver.streams.values().iterator();
            while (it.hasNext())
            {
                final IndexedStream entry = it.next();
                if (entry.announced && nowNs - entry.lastAnnounceNs > expiryNs)
                {
                    entry.clearLayout();
                    expired++;
                    entriesExpired++;
                    LOG.info("discovery stream expired driver={} stream={} epoch={}",
                        driver.feed.driverInstanceId(), Integer.toUnsignedString(entry.streamId),
                        Long.toUnsignedString(entry.epoch));
                }
                if (!entry.announced && (!entry.hasMetadata || nowNs - entry.lastMetadataNs > expiryNs))
                {
                    it.remove();
                }
            }
        }
        return expired;
    }

    /**
     * Collect visible entries matching {@code query}, at most {@code limit} of them into {@code out}.
     *
     * @return the total number of matches, which may exceed {@code limit}.
     */
    int collect(final DiscoveryQuery query, final long nowNs, final List<IndexedStream> out, final int limit)
    {
        int matches = 0;
        for (int i = 0, n = drivers.size(); i < n; i++)
        {
            final DriverStreams driver = drivers.get(i);
            if (query.hasStreamId())
            {
                final IndexedStream entry = driver.streams.get(query.streamId());
                if (null != entry && entry.isVisible(nowNs, expiryNs) && entry.matches(query))
                {
                    if (matches++ < limit)
                    {
                        out.add(entry);
                    }
                }
                continue;
            }
            for (final IndexedStream entry : driver.streams.values())
            {
                if (entry.isVisible(nowNs, expiryNs) && entry.matches(query))
                {
                    if (matches++ < limit)
                    {
                        out.add(entry);
                    }
                }
            }
        }
        return matches;
    }

    /** Number of entries visible at {@code nowNs}. */
    public int visibleCount(final long nowNs)
    {
        int count = 0;
        for (final DriverStreams driver : drivers)
        {
            for (final IndexedStream entry : driver.streams.values())
            {
                if (entry.isVisible(nowNs, expiryNs))
                {
                    count++;
                }
            }
        }
        return count;
    }

    /** Expiry window in nanoseconds. */
    public long expiryNs()
    {
        return expiryNs;
    }

    /** {@code ShmPoolAnnounce} messages applied. */
    public long announcesApplied()
    {
        return announcesApplied;
    }

    /** Epoch changes observed on live entries. */
    public long epochChanges()
    {
        return epochChanges;
    }

    /** {@code ShmPoolAnnounce} messages dropped because their epoch regressed on a live entry. */
    public long epochRegressionsDropped()
    {
        return epochRegressionsDropped;
    }

    /** {@code ShmPoolAnnounce} messages that failed validation (or found the index full). */
    public long announcesRejected()
    {
        return announcesRejected;
    }

    /** {@code DataSourceAnnounce}/{@code DataSourceMeta} messages applied. */
    public long metadataApplied()
    {
        return metadataApplied;
    }

    /** {@code DataSourceAnnounce}/{@code DataSourceMeta} messages that failed validation (or found the index full). */
    public long metadataRejected()
    {
        return metadataRejected;
    }

    /** {@code DataSourceAnnounce} messages ignored because their epoch is older than the indexed one. */
    public long metadataStale()
    {
        return metadataStale;
    }

    /** Entries that stopped being visible because their announces went stale. */
    public long entriesExpired()
    {
        return entriesExpired;
    }

    /** Updates refused because a driver already had the maximum number of entries. */
    public long capacityRejected()
    {
        return capacityRejected;
    }

    private IndexedStream newEntry(final DriverStreams driver, final int streamId, final long nowNs)
    {
        if (driver.streams.size() >= maxStreamsPerDriver)
        {
            expire(nowNs);
            if (driver.streams.size() >= maxStreamsPerDriver)
            {
                capacityRejected++;
                warn(nowNs, "discovery index full driver={} stream={} max={}", driver, streamId,
                    maxStreamsPerDriver);
                return null;
            }
        }
        final IndexedStream entry = new IndexedStream(driver, streamId);
        driver.streams.put(streamId, entry);
        return entry;
    }

    private boolean containsTag(final DirectBuffer buffer, final int tagCount)
    {
        final int length = textView.capacity();
        for (int i = 0; i < tagCount; i++)
        {
            if (tagLengths[i] == length && regionEquals(buffer, tagOffsets[i], textView, length))
            {
                return true;
            }
        }
        return false;
    }

    private boolean sameTags(final byte[][] existing, final DirectBuffer buffer, final int tagCount)
    {
        if (existing.length != tagCount)
        {
            return false;
        }
        for (int i = 0; i < tagCount; i++)
        {
            final byte[] tag = existing[i];
            if (tag.length != tagLengths[i])
            {
                return false;
            }
            for (int j = 0; j < tag.length; j++)
            {
                if (tag[j] != buffer.getByte(tagOffsets[i] + j))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean regionEquals(
        final DirectBuffer buffer, final int offset, final DirectBuffer view, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != view.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /** Decimal digits to an unsigned u64; returns the null value (all ones) for anything else or overflow. */
    static long parseUnsignedDecimal(final DirectBuffer text)
    {
        final int length = text.capacity();
        if (length == 0 || length > 20)
        {
            return DiscoveryQuery.NULL_U64;
        }
        final long limit = Long.divideUnsigned(-1L, 10);
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final int digit = text.getByte(i) - '0';
            if (digit < 0 || digit > 9 || Long.compareUnsigned(value, limit) > 0)
            {
                return DiscoveryQuery.NULL_U64;
            }
            final long next = value * 10 + digit;
            if (Long.compareUnsigned(next, value * 10) < 0)
            {
                return DiscoveryQuery.NULL_U64;
            }
            value = next;
        }
        return value;
    }

    private int rejectAnnounce(
        final DriverStreams driver, final int streamId, final String reason, final long value, final long nowNs)
    {
        announcesRejected++;
        warn(nowNs, "discovery rejected ShmPoolAnnounce driver={} stream={}: {} (value={})",
            driver, streamId, reason, value);
        return REJECTED;
    }

    private int rejectMeta(
        final DriverStreams driver, final int streamId, final String reason, final long value, final long nowNs)
    {
        metadataRejected++;
        warn(nowNs, "discovery rejected DataSourceMeta driver={} stream={}: {} (value={})",
            driver, streamId, reason, value);
        return REJECTED;
    }

    /** Rate-limited warning: at most one per second, so a misbehaving peer cannot flood the log. */
    private void warn(final long nowNs, final String format, final Object... args)
    {
        if (nowNs - lastWarnNs >= WARN_INTERVAL_NS)
        {
            lastWarnNs = nowNs;
            for (int i = 0; i < args.length; i++)
            {
                if (args[i] instanceof DriverStreams)
                {
                    args[i] = ((DriverStreams)args[i]).feed.driverInstanceId();
                }
            }
            LOG.warn(format, args);
        }
    }
}
