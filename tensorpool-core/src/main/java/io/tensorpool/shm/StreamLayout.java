package io.tensorpool.shm;

import java.util.List;
import java.util.Objects;

/**
 * Everything needed to map one stream at one epoch: the content of a {@code ShmPoolAnnounce} (Wire §10.1.1) or a
 * successful {@code ShmAttachResponse} (Driver §4.2). Immutable; built once per announce that changes something, never
 * per frame.
 */
public final class StreamLayout
{
    private final int streamId;
    private final long epoch;
    private final int layoutVersion;
    private final int headerNslots;
    private final String headerRegionUri;
    private final List<PoolDescriptor> pools;

    public StreamLayout(
        final int streamId,
        final long epoch,
        final int layoutVersion,
        final int headerNslots,
        final String headerRegionUri,
        final List<PoolDescriptor> pools)
    {
        this.streamId = streamId;
        this.epoch = epoch;
        this.layoutVersion = layoutVersion;
        this.headerNslots = headerNslots;
        this.headerRegionUri = Objects.requireNonNull(headerRegionUri, "headerRegionUri");
        this.pools = List.copyOf(pools);
    }

    public int streamId()
    {
        return streamId;
    }

    public long epoch()
    {
        return epoch;
    }

    public int layoutVersion()
    {
        return layoutVersion;
    }

    public int headerNslots()
    {
        return headerNslots;
    }

    public String headerRegionUri()
    {
        return headerRegionUri;
    }

    public List<PoolDescriptor> pools()
    {
        return pools;
    }

    /**
     * Check the announced values themselves before touching any file: layout version, power-of-two nslots, pools
     * present with nslots equal to the header's (Wire §15.5), unique pool ids, valid URIs and strides.
     *
     * @throws ShmValidationException naming the field and value.
     */
    public void validate()
    {
        if (layoutVersion != ShmLayout.LAYOUT_VERSION)
        {
            throw new ShmValidationException("stream " + Integer.toUnsignedString(streamId) + ": layout_version " +
                Integer.toUnsignedString(layoutVersion) + " is not supported (expected " + ShmLayout.LAYOUT_VERSION +
                ")");
        }
        RegionSpec.checkNslots(headerNslots & 0xFFFF_FFFFL);
        RegionUri.parse(headerRegionUri);
        if (pools.isEmpty())
        {
            throw new ShmValidationException("stream " + Integer.toUnsignedString(streamId) + " has no payload pools");
        }
        for (int i = 0; i < pools.size(); i++)
        {
            final PoolDescriptor pool = pools.get(i);
            if (pool.nslots() != headerNslots)
            {
                throw new ShmValidationException("stream " + Integer.toUnsignedString(streamId) + ": pool " +
                    pool.poolId() + " nslots " + Integer.toUnsignedString(pool.nslots()) +
                    " differs from header nslots " + Integer.toUnsignedString(headerNslots) + " (Wire §15.5)");
            }
            RegionSpec.checkStride(pool.strideBytes() & 0xFFFF_FFFFL, ShmLayout.PAGE_SIZE);
            RegionUri.parse(pool.regionUri());
            for (int j = 0; j < i; j++)
            {
                if (pools.get(j).poolId() == pool.poolId())
                {
                    throw new ShmValidationException("stream " + Integer.toUnsignedString(streamId) +
                        ": duplicate pool_id " + pool.poolId());
                }
            }
        }
    }

    /** True if both describe the same regions (same epoch, geometry and URIs). */
    public boolean sameRegions(final StreamLayout other)
    {
        return other != null && streamId == other.streamId && epoch == other.epoch &&
            layoutVersion == other.layoutVersion && headerNslots == other.headerNslots &&
            headerRegionUri.equals(other.headerRegionUri) && pools.equals(other.pools);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof StreamLayout && sameRegions((StreamLayout)o);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(streamId, epoch, headerNslots, headerRegionUri, pools);
    }

    @Override
    public String toString()
    {
        return "StreamLayout{stream=" + Integer.toUnsignedString(streamId) + " epoch=" + Long.toUnsignedString(epoch) +
            " layout=" + layoutVersion + " nslots=" + headerNslots + " header=" + headerRegionUri + " pools=" + pools +
            "}";
    }
}
