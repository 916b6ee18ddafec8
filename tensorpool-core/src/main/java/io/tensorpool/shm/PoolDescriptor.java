package io.tensorpool.shm;

import java.util.Objects;

/** One payload pool as announced in {@code ShmPoolAnnounce}, an attach response or a discovery result. */
public final class PoolDescriptor
{
    private final int poolId;
    private final int nslots;
    private final int strideBytes;
    private final String regionUri;

    public PoolDescriptor(final int poolId, final int nslots, final int strideBytes, final String regionUri)
    {
        this.poolId = poolId;
        this.nslots = nslots;
        this.strideBytes = strideBytes;
        this.regionUri = Objects.requireNonNull(regionUri, "regionUri");
    }

    public int poolId()
    {
        return poolId;
    }

    public int nslots()
    {
        return nslots;
    }

    public int strideBytes()
    {
        return strideBytes;
    }

    public String regionUri()
    {
        return regionUri;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof PoolDescriptor))
        {
            return false;
        }
        final PoolDescriptor that = (PoolDescriptor)o;
        return poolId == that.poolId && nslots == that.nslots && strideBytes == that.strideBytes &&
            regionUri.equals(that.regionUri);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(poolId, nslots, strideBytes, regionUri);
    }

    @Override
    public String toString()
    {
        return "Pool{id=" + poolId + " nslots=" + nslots + " stride=" + Integer.toUnsignedString(strideBytes) +
            " uri=" + regionUri + "}";
    }
}
