package io.tensorpool.driver.client;

import io.tensorpool.codecs.wire.ClockDomain;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.control.MessageShapes;
import io.tensorpool.control.SchemaGatedHandler;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamLayout;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes {@code ShmPoolAnnounce} (Wire §10.1.1, schema 900) for one stream, or every stream when constructed with
 * {@link #ALL_STREAMS}. Applies the soft-state rules: MONOTONIC announces older than the freshness window (relative
 * to the local clock) are ignored, and so is an epoch lower than the highest seen for that stream. A layout is built
 * and delivered only when it differs from the last one delivered for the stream, so a steady 1 Hz beacon allocates
 * nothing. Layouts failing {@link StreamLayout#validate()} are counted as malformed and never delivered.
 */
public final class PoolAnnouncePoller extends SchemaGatedHandler
{
    /** Stream filter meaning "every stream". */
    public static final long ALL_STREAMS = -1;

    private final long streamFilter;
    private final PoolAnnounceListener listener;
    private final NanoClock clock;
    private final long freshnessWindowNs;
    private final ShmPoolAnnounceDecoder decoder = new ShmPoolAnnounceDecoder();
    private final Int2ObjectHashMap<StreamLayout> lastDelivered = new Int2ObjectHashMap<>();
    private long staleCount;
    private String lastError;

    /**
     * @param streamId          the stream to follow (unsigned) or {@link #ALL_STREAMS}.
     * @param freshnessWindowNs announces older than this (MONOTONIC) are ignored (Wire §10.1.1; 3x announce period).
     */
    public PoolAnnouncePoller(
        final long streamId, final PoolAnnounceListener listener, final NanoClock clock, final long freshnessWindowNs)
    {
        super(ShmPoolAnnounceDecoder.SCHEMA_ID, ShmPoolAnnounceDecoder.SCHEMA_VERSION);
        this.streamFilter = streamId;
        this.listener = listener;
        this.clock = clock;
        this.freshnessWindowNs = freshnessWindowNs;
    }

    /** Forget what was delivered for a stream, so its next announce is delivered even if unchanged. */
    public void reset(final int streamId)
    {
        lastDelivered.remove(streamId);
    }

    /** Announces ignored as stale (too old, or a lower epoch than already seen). */
    public long staleCount()
    {
        return staleCount;
    }

    /** Description of the last announce rejected by validation, or null. */
    public String lastError()
    {
        return lastError;
    }

    @Override
    protected int onMessage(
        final int templateId, final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        if (templateId != ShmPoolAnnounceDecoder.TEMPLATE_ID)
        {
            return UNKNOWN_TEMPLATE;
        }
        if (blockLength != ShmPoolAnnounceDecoder.BLOCK_LENGTH)
        {
            return MALFORMED;
        }
        decoder.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final int streamId = (int)decoder.streamId();
        if (streamFilter != ALL_STREAMS && (streamId & 0xFFFF_FFFFL) != streamFilter)
        {
            return HANDLED;
        }
        final long epoch = decoder.epoch();
        final long timestampNs = decoder.announceTimestampNs();
        final short clockDomain = decoder.announceClockDomainRaw();
        if (clockDomain != ClockDomain.MONOTONIC.value() && clockDomain != ClockDomain.REALTIME_SYNCED.value())
        {
            lastError = "stream " + Integer.toUnsignedString(streamId) + ": unknown announce clock domain " +
                clockDomain;
            return MALFORMED;
        }
        if (clockDomain == ClockDomain.MONOTONIC.value() && clock.nanoTime() - timestampNs > freshnessWindowNs)
        {
            staleCount++;
            return HANDLED;
        }
        final StreamLayout previous = lastDelivered.get(streamId);
        if (previous != null && Long.compareUnsigned(epoch, previous.epoch()) < 0)
        {
            staleCount++;
            return HANDLED;
        }
        final long layoutVersion = decoder.layoutVersion();
        final long headerNslots = decoder.headerNslots();
        final int headerSlotBytes = decoder.headerSlotBytes();
        final int producerId = (int)decoder.producerId();
        if (previous != null && previous.epoch() == epoch && previous.layoutVersion() == (int)layoutVersion &&
            previous.headerNslots() == (int)headerNslots)
        {
            // Same epoch and geometry: the common steady-state beacon; URIs cannot change within an epoch.
            return HANDLED;
        }
        if (headerSlotBytes != ShmLayout.HEADER_SLOT_BYTES)
        {
            lastError = "stream " + Integer.toUnsignedString(streamId) + ": header_slot_bytes " + headerSlotBytes +
                " is not " + ShmLayout.HEADER_SLOT_BYTES;
            return MALFORMED;
        }
        // Bound every var-length field to the fragment before any String is built: SBE allocates new byte[length]
        // from the wire length, so a hostile length would otherwise allocate up to 2 GiB or throw.
        if (!MessageShapes.SHM_POOL_ANNOUNCE.fits(buffer, length))
        {
            lastError = "stream " + Integer.toUnsignedString(streamId) + ": var-length data runs past the message";
            return MALFORMED;
        }
        final List<PoolDescriptor> pools = new ArrayList<>();
        for (final ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool : decoder.payloadPools())
        {
            final int poolId = pool.poolId();
            final int nslots = (int)pool.poolNslots();
            final int stride = (int)pool.strideBytes();
            pools.add(new PoolDescriptor(poolId, nslots, stride, pool.regionUri()));
        }
        final String headerUri = decoder.headerRegionUri();
        final StreamLayout layout = new StreamLayout(streamId, epoch, (int)layoutVersion, (int)headerNslots,
            headerUri, pools);
        try
        {
            layout.validate();
        }
        catch (final ShmValidationException ex)
        {
            lastError = ex.getMessage();
            return MALFORMED;
        }
        lastDelivered.put(streamId, layout);
        listener.onPoolAnnounce(layout, producerId, timestampNs);
        return HANDLED;
    }
}
