package io.tensorpool.shm;

import io.tensorpool.codecs.wire.RegionType;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The header ring and payload pools of one stream at one epoch, as owned by a producer or mapped by a consumer.
 * Pools are kept sorted by stride so selection is "smallest stride that fits" (Wire §9).
 */
public final class StreamRegions implements AutoCloseable
{
    /** {@link #selectPool} result when no pool is large enough. */
    public static final int NO_POOL = -1;

    private final int streamId;
    private final long epoch;
    private final HeaderRing headerRing;
    private final PayloadPool[] poolsByStride;

    /**
     * Group the regions of one stream. Does not take ownership until it returns: on failure the caller closes them.
     *
     * @throws ShmValidationException if a pool has another stream, epoch or nslots than the ring, a pool id repeats,
     *                                or a region has the wrong type.
     */
    public StreamRegions(final MappedRegion headerRegion, final List<MappedRegion> poolRegions)
    {
        if (poolRegions.isEmpty())
        {
            throw new ShmValidationException("a stream needs at least one payload pool");
        }
        this.streamId = headerRegion.spec().streamId();
        this.epoch = headerRegion.spec().epoch();
        this.headerRing = new HeaderRing(headerRegion);
        final List<PayloadPool> pools = new ArrayList<>();
        for (final MappedRegion region : poolRegions)
        {
            final RegionSpec spec = region.spec();
            if (spec.regionType() != RegionType.PAYLOAD_POOL)
            {
                throw new ShmValidationException("region " + region.path() + " is a " + spec.regionType() +
                    ", not a PAYLOAD_POOL");
            }
            if (spec.streamId() != streamId || spec.epoch() != epoch)
            {
                throw new ShmValidationException("payload pool " + spec.poolId() + " belongs to stream " +
                    Integer.toUnsignedString(spec.streamId()) + " epoch " + Long.toUnsignedString(spec.epoch()) +
                    " but the header ring to stream " + Integer.toUnsignedString(streamId) + " epoch " +
                    Long.toUnsignedString(epoch));
            }
            if (region.spec().nslots() != headerRing.nslots())
            {
                throw new ShmValidationException("payload pool " + region.spec().poolId() + " has nslots " +
                    region.spec().nslots() + " but the header ring has " + headerRing.nslots() + " (Wire §15.5)");
            }
            for (final PayloadPool existing : pools)
            {
                if (existing.poolId() == region.spec().poolId())
                {
                    throw new ShmValidationException("duplicate pool_id " + existing.poolId());
                }
            }
            pools.add(new PayloadPool(region));
        }
        pools.sort(Comparator.comparingInt(PayloadPool::strideBytes));
        this.poolsByStride = pools.toArray(new PayloadPool[0]);
    }

    /** The stream id of all regions. */
    public int streamId()
    {
        return streamId;
    }

    /** The epoch of all regions. */
    public long epoch()
    {
        return epoch;
    }

    /** The header ring. */
    public HeaderRing headerRing()
    {
        return headerRing;
    }

    /** Number of payload pools. */
    public int poolCount()
    {
        return poolsByStride.length;
    }

    /** Pools in ascending stride order. */
    public PayloadPool pool(final int index)
    {
        return poolsByStride[index];
    }

    /**
     * Refresh {@code activity_timestamp_ns} in the superblock of the header ring and every pool (Wire §7.1): what a
     * region owner does at announce cadence so consumers and GC see the regions alive (Wire §15.14).
     */
    public void refreshActivity(final long nowNs)
    {
        Superblock.refreshActivity(headerRing.region().buffer(), nowNs);
        for (final PayloadPool pool : poolsByStride)
        {
            Superblock.refreshActivity(pool.region().buffer(), nowNs);
        }
    }

    /** Wire §9: index of the smallest pool with {@code stride >= length}, or {@link #NO_POOL}. */
    public int selectPool(final long length)
    {
        for (int i = 0; i < poolsByStride.length; i++)
        {
            if ((poolsByStride[i].strideBytes() & 0xFFFF_FFFFL) >= length)
            {
                return i;
            }
        }
        return NO_POOL;
    }

    /** The pool with {@code poolId}, or null; linear because streams have a handful of pools. */
    public PayloadPool poolById(final int poolId)
    {
        for (final PayloadPool pool : poolsByStride)
        {
            if (pool.poolId() == poolId)
            {
                return pool;
            }
        }
        return null;
    }

    /** The largest stride: the longest frame this stream can carry. */
    public int maxStride()
    {
        return poolsByStride[poolsByStride.length - 1].strideBytes();
    }

    /**
     * True if every mapped file (ring and pools) still has every byte its mapping covers ({@link MappedRegion#isBacked},
     * one fstat each). False once any was truncated: reading those pages would fault. Allocation-free.
     */
    public boolean isBacked()
    {
        if (!headerRing.region().isBacked())
        {
            return false;
        }
        for (final PayloadPool pool : poolsByStride)
        {
            if (!pool.region().isBacked())
            {
                return false;
            }
        }
        return true;
    }

    @Override
    /** Unmap every region; later failures are attached as suppressed. */
    public void close()
    {
        final List<AutoCloseable> all = new ArrayList<>();
        all.add(headerRing.region());
        Arrays.stream(poolsByStride).forEach(p -> all.add(p.region()));
        CloseHelper.closeAll(all);
    }
}
