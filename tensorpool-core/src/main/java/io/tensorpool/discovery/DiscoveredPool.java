package io.tensorpool.discovery;

import java.util.Objects;

/**
 * One payload pool of a {@link DiscoveredStream} as a provider reported it (Discovery §5.2 "SHM Layout",
 * informational). Immutable. Never map a region from it: attach through the driver (Discovery §3).
 */
public final class DiscoveredPool
{
    private final int poolId;
    private final String regionUri;
    private final int poolNslots;
    private final int strideBytes;

    /**
     * @param poolId      u16 pool id.
     * @param regionUri   region URI as announced.
     * @param poolNslots  u32 slot count (equals the header ring's in v1.0).
     * @param strideBytes u32 bytes per slot.
     */
    public DiscoveredPool(final int poolId, final String regionUri, final int poolNslots, final int strideBytes)
    {
        this.poolId = poolId;
        this.regionUri = Objects.requireNonNull(regionUri, "regionUri");
        this.poolNslots = poolNslots;
        this.strideBytes = strideBytes;
    }

    /** Pool id (u16). */
    public int poolId()
    {
        return poolId;
    }

    /** Region URI as announced by the driver. */
    public String regionUri()
    {
        return regionUri;
    }

    /** Slot count (u32 bits). */
    public int poolNslots()
    {
        return poolNslots;
    }

    /** Stride in bytes (u32 bits). */
    public int strideBytes()
    {
        return strideBytes;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof DiscoveredPool))
        {
            return false;
        }
        final DiscoveredPool that = (DiscoveredPool)o;
        return poolId == that.poolId && poolNslots == that.poolNslots && strideBytes == that.strideBytes &&
            regionUri.equals(that.regionUri);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(poolId, regionUri, poolNslots, strideBytes);
    }

    @Override
    public String toString()
    {
        return "DiscoveredPool{poolId=" + poolId + ", regionUri='" + regionUri + "', poolNslots=" +
            Integer.toUnsignedString(poolNslots) + ", strideBytes=" + Integer.toUnsignedString(strideBytes) + '}';
    }
}
